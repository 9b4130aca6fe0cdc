-- The demo database: a small shop with several key kinds, a cascading foreign key, a view and a trigger.
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE shop;

CREATE TABLE customers (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(191) NOT NULL,
    name VARCHAR(100) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY email (email)
);

CREATE TABLE products (
    sku VARCHAR(32) NOT NULL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    price DECIMAL(12,2) NOT NULL,
    image_hash BINARY(16) NOT NULL
);

CREATE TABLE orders (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    customer_id INT NOT NULL,
    status ENUM('new','paid','shipped','cancelled') NOT NULL,
    total DECIMAL(14,2) NOT NULL,
    note TEXT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY customer (customer_id)
);

CREATE TABLE order_items (
    order_id BIGINT UNSIGNED NOT NULL,
    line INT NOT NULL,
    sku VARCHAR(32) NOT NULL,
    quantity INT NOT NULL,
    PRIMARY KEY (order_id, line),
    CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);

-- schema objects ferry moves too: a view (created with the tables) and a trigger (created at cutover)
CREATE VIEW order_totals AS
    SELECT customer_id, COUNT(*) AS orders, SUM(total) AS total FROM orders GROUP BY customer_id;

INSERT INTO customers (id, email, name, created_at)
    SELECT seq, CONCAT('customer', seq, '@example.com'), CONCAT('Customer ', seq, ' éè'), '2024-01-01 00:00:00' + INTERVAL seq SECOND
    FROM seq_1_to_50000;

INSERT INTO products (sku, title, price, image_hash)
    SELECT CONCAT('SKU-', LPAD(seq, 6, '0')), CONCAT('Product ', seq, ' 📦'), seq % 1000 + 0.99, UNHEX(MD5(seq))
    FROM seq_1_to_20000;

INSERT INTO orders (id, customer_id, status, total, note, created_at)
    SELECT seq * 1000 + 7, 1 + seq % 50000, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'), seq % 5000 + 0.5,
           IF(seq % 3 = 0, NULL, REPEAT('n', seq % 200)), '2024-06-01 00:00:00' + INTERVAL seq MINUTE
    FROM seq_1_to_100000;

INSERT INTO order_items (order_id, line, sku, quantity)
    SELECT o.seq * 1000 + 7, l.seq, CONCAT('SKU-', LPAD(1 + (o.seq * l.seq) % 20000, 6, '0')), 1 + l.seq
    FROM seq_1_to_50000 o CROSS JOIN seq_1_to_3 l;

-- created after the seed: MariaDB 11.4 refuses an INSERT ... SELECT from a sequence table into a
-- table whose BEFORE INSERT trigger writes NEW (ERROR 1048 on the key column)
CREATE TRIGGER order_items_quantity BEFORE INSERT ON order_items FOR EACH ROW
    SET NEW.quantity = GREATEST(NEW.quantity, 1);

ANALYZE TABLE customers, products, orders, order_items;
