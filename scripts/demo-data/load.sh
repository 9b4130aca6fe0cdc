#!/usr/bin/env bash
# A small write load on the demo shop: inserts, updates (incl. key changes) and deletes (incl. cascading ones), until killed.
set -u
client=("$@")
i=0
while true; do
    i=$((i + 1))
    order=$(( (RANDOM * 32768 + RANDOM) % 100000 * 1000 + 7 ))
    new=$(( 200000000 + i ))
    echo "INSERT INTO orders (id, customer_id, status, total) VALUES ($new, $((RANDOM % 50000 + 1)), 'new', $((RANDOM % 500)).25);"
    echo "INSERT INTO order_items VALUES ($new, 1, 'SKU-000042', 2), ($new, 2, 'SKU-000043', 1);"
    echo "UPDATE orders SET status = 'paid', note = CONCAT(IFNULL(note, ''), 'x') WHERE id = $order;"
    echo "UPDATE customers SET name = CONCAT('Renamed ', $i) WHERE id = $((RANDOM % 50000 + 1));"
    echo "UPDATE products SET price = price + 1 WHERE sku = 'SKU-$(printf '%06d' $((RANDOM % 20000 + 1)))';"
    echo "DELETE FROM order_items WHERE order_id = $(( (RANDOM % 100000) * 1000 + 7 )) AND line = 3;"
    # a key change that moves an item to the order just inserted (the foreign key needs an existing order)
    echo "UPDATE order_items SET order_id = $new, line = 3 WHERE order_id = $(( (RANDOM % 100000) * 1000 + 7 )) AND line = 2;"
    if (( i % 20 == 0 )); then
        # ON DELETE CASCADE removes the order's items on the source; the binlog shows only the order
        echo "DELETE FROM orders WHERE id = $order;"
    fi
    sleep 0.02
done | "${client[@]}"
