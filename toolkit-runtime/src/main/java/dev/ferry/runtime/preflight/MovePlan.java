package dev.ferry.runtime.preflight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What {@code ferry plan} found: the servers, per table how it would be copied, the schema
 * objects it would create or skip, whether writes to the target by others would be detected, and
 * every problem that stops {@code copydb}, each with its fix.
 *
 * @param targetWrites whether the target's binlog would be watched for writes by others
 *        ({@code verifier.watchTargetWrites}), or why not
 */
public record MovePlan(Map<String, String> servers, List<Table> tables, List<String> objects, Map<String, String> skippedObjects, String targetWrites,
        List<String> problems)
{
    /**
     * One table's copy.
     *
     * @param paginationKey the key columns, or null for a full copy
     * @param ranges the key ranges the copy splits it into, as {@code [low, high)} text
     */
    public record Table(String source, String target, long estimatedRows, long estimatedBytes, List<String> paginationKey, List<String> ranges,
            String writeMethod, List<String> foreignKeys)
    {
        public Table
        {
            requireNonNull(source, "source is null");
            requireNonNull(target, "target is null");
            paginationKey = paginationKey == null ? null : List.copyOf(paginationKey);
            ranges = List.copyOf(ranges);
            requireNonNull(writeMethod, "writeMethod is null");
            foreignKeys = List.copyOf(foreignKeys);
        }
    }

    public MovePlan
    {
        servers = Map.copyOf(servers);
        tables = List.copyOf(tables);
        objects = List.copyOf(objects);
        skippedObjects = Map.copyOf(skippedObjects);
        requireNonNull(targetWrites, "targetWrites is null");
        problems = List.copyOf(problems);
    }

    public boolean blocked()
    {
        return !problems.isEmpty();
    }

    public String toText()
    {
        StringBuilder text = new StringBuilder();
        servers.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> text.append(entry.getKey()).append(": ").append(entry.getValue()).append('\n'));
        text.append('\n').append(tables.size()).append(" tables:\n");
        for (Table table : tables) {
            text.append("  ").append(table.source()).append(" -> ").append(table.target())
                    .append(": ~").append(table.estimatedRows()).append(" rows, ~").append(table.estimatedBytes()).append(" bytes; ")
                    .append(table.paginationKey() == null ? "full copy (no usable key)" : "key (" + String.join(", ", table.paginationKey()) + ")")
                    .append(", ").append(table.ranges().size()).append(table.ranges().size() == 1 ? " range" : " ranges")
                    .append(", ").append(table.writeMethod()).append('\n');
            if (table.ranges().size() > 1) {
                text.append("    ranges: ").append(String.join(" ", table.ranges())).append('\n');
            }
            for (String foreignKey : table.foreignKeys()) {
                text.append("    foreign key ").append(foreignKey).append('\n');
            }
        }
        text.append('\n').append(objects.size()).append(" schema objects to create:\n");
        objects.forEach(object -> text.append("  ").append(object).append('\n'));
        skippedObjects.forEach((object, reason) -> text.append("  skipped ").append(object).append(": ").append(reason).append('\n'));
        text.append("\ntarget writes: ").append(targetWrites).append('\n');
        if (problems.isEmpty()) {
            text.append("\nno problems: copydb would start\n");
        }
        else {
            text.append('\n').append(problems.size()).append(" problems stop copydb:\n");
            problems.forEach(problem -> text.append("  - ").append(problem.replace("\n", "\n    ")).append('\n'));
        }
        return text.toString();
    }

    public String toJson()
    {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode serverNode = root.putObject("servers");
        servers.forEach(serverNode::put);
        ArrayNode tableNodes = root.putArray("tables");
        for (Table table : tables) {
            ObjectNode node = tableNodes.addObject();
            node.put("source", table.source());
            node.put("target", table.target());
            node.put("estimatedRows", table.estimatedRows());
            node.put("estimatedBytes", table.estimatedBytes());
            if (table.paginationKey() == null) {
                node.putNull("paginationKey");
            }
            else {
                table.paginationKey().forEach(node.putArray("paginationKey")::add);
            }
            node.put("fullCopy", table.paginationKey() == null);
            table.ranges().forEach(node.putArray("ranges")::add);
            node.put("writeMethod", table.writeMethod());
            table.foreignKeys().forEach(node.putArray("foreignKeys")::add);
        }
        objects.forEach(root.putArray("objects")::add);
        ObjectNode skipped = root.putObject("skippedObjects");
        skippedObjects.forEach(skipped::put);
        root.put("targetWrites", targetWrites);
        problems.forEach(root.putArray("problems")::add);
        root.put("wouldStart", problems.isEmpty());
        try {
            return mapper.writeValueAsString(root);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
