package dev.ferry.runtime.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.core.RunTuning;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static dev.ferry.runtime.state.StateCodec.FORMAT;
import static dev.ferry.runtime.state.StateCodec.checkPhase;
import static dev.ferry.runtime.state.StateCodec.checkPosition;
import static dev.ferry.runtime.state.StateCodec.echo;
import static dev.ferry.runtime.state.StateCodec.got;
import static dev.ferry.runtime.state.StateCodec.join;
import static dev.ferry.runtime.state.StateCodec.tablePath;
import static dev.ferry.runtime.state.StateRules.checkTable;

/**
 * Reads the fields of a state document (after {@link StateCodec} checked that it is JSON of the
 * right format) into a {@link FerryState}, collecting every problem instead of stopping at the
 * first: missing or ill-typed fields by JSON path, unknown fields, and impossible values.
 *
 * <p>One instance per document; not thread-safe.
 */
final class StateDecoder
{
private static final Pattern UNSIGNED_DIGITS = Pattern.compile("[0-9]{1,20}");
private static final Pattern SIGNED_DIGITS = Pattern.compile("-?[0-9]{1,19}");
private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})*");
private static final BigInteger UNSIGNED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

private static final Set<String> ROOT_FIELDS = Set.of(
        "format", "ferryVersion", "configFingerprint", "runId", "phase", "savedAt",
        "schemaFingerprints", "tables", "position", "verifierState", "tuning", "targetWrites");
private static final Set<String> WATCH_FIELDS = Set.of("position", "tables");
private static final Set<String> FLAGGED_FIELDS = Set.of("target", "rows", "statements", "keys", "notes");
private static final Set<String> TUNING_FIELDS = Set.of("copyBatchSize", "copyConcurrency", "replicationBatchSize", "copyRowsPerSecond");
private static final Set<String> TABLE_FIELDS = Set.of("complete", "rowsCopied", "ranges", "resync");
private static final Set<String> RANGE_FIELDS = Set.of("low", "high", "cursor", "complete");
private static final Set<String> PAIR_FIELDS = Set.of("event", "resume");
private static final Set<String> POSITION_FIELDS = Set.of("file", "offset", "gtid");

    private final List<String> problems = new ArrayList<>();

    /**
     * The problems found so far, each naming its JSON path and the rule.
     */
    List<String> problems()
    {
        return problems;
    }


    FerryState state(ObjectNode root)
    {
        int before = problems.size();
        unknownFields(root, "", ROOT_FIELDS);
        String ferryVersion = string(root, "", "ferryVersion", false);
        String configFingerprint = string(root, "", "configFingerprint", false);
        long runId = count(root, "", "runId");
        String phase = string(root, "", "phase", false);
        Instant savedAt = instant(root, "", "savedAt");
        Map<TableName, String> fingerprints = fingerprints(root);
        Map<TableName, TableCopyState> tables = tables(root);
        PositionPair position = positionPair(root);
        String verifierState = string(root, "", "verifierState", true);
        RunTuning.Values tuning = tuning(root);
        TargetWritesState targetWrites = targetWrites(root);
        if (phase != null) {
            checkPhase("phase", phase, problems);
        }
        if (problems.size() > before) {
            return null;
        }
        return new FerryState(FORMAT, ferryVersion, configFingerprint, runId, phase, fingerprints, tables, position, verifierState, savedAt, tuning,
                targetWrites);
    }

    private TargetWritesState targetWrites(ObjectNode root)
    {
        if (!root.has("targetWrites")) {
            return null;
        }
        ObjectNode node = object(root, "", "targetWrites", false);
        if (node == null) {
            return null;
        }
        int before = problems.size();
        unknownFields(node, "targetWrites", WATCH_FIELDS);
        BinlogPosition position = position(node, "targetWrites", "position");
        ObjectNode tablesNode = object(node, "targetWrites", "tables", false);
        List<TargetWritesState.Table> tables = new ArrayList<>();
        if (tablesNode != null) {
            Map<TableName, String> seen = new LinkedHashMap<>();
            for (Iterator<String> names = tablesNode.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                TableName table = table("targetWrites.tables", key, seen);
                TargetWritesState.Table flagged = flaggedTable(table, tablesNode.get(key), tablePath("targetWrites.tables", key));
                if (flagged != null) {
                    tables.add(flagged);
                }
            }
        }
        if (problems.size() > before || position == null) {
            return null;
        }
        return new TargetWritesState(position, tables);
    }

    private TargetWritesState.Table flaggedTable(TableName table, JsonNode value, String path)
    {
        if (!value.isObject()) {
            problems.add(path + ": must be an object with target, rows, statements, keys and notes" + got(value));
            return null;
        }
        ObjectNode node = (ObjectNode) value;
        int before = problems.size();
        unknownFields(node, path, FLAGGED_FIELDS);
        String targetText = string(node, path, "target", false);
        TableName target = null;
        if (targetText != null) {
            try {
                target = TableName.parse(targetText);
            }
            catch (IllegalArgumentException e) {
                problems.add(join(path, "target") + ": is not a table name: write database.table, with backquotes around a name that holds a dot");
            }
        }
        long rows = count(node, path, "rows");
        long statements = count(node, path, "statements");
        List<Key> keys = new ArrayList<>();
        JsonNode keysNode = member(node, path, "keys");
        if (keysNode != null && !keysNode.isArray()) {
            problems.add(join(path, "keys") + ": must be a list of keys" + got(keysNode));
        }
        else if (keysNode != null) {
            for (int i = 0; i < keysNode.size(); i++) {
                Key key = key(keysNode.get(i), join(path, "keys") + "[" + i + "]");
                if (key != null) {
                    keys.add(key);
                }
            }
        }
        List<String> notes = new ArrayList<>();
        JsonNode notesNode = member(node, path, "notes");
        if (notesNode != null && !notesNode.isArray()) {
            problems.add(join(path, "notes") + ": must be a list of strings" + got(notesNode));
        }
        else if (notesNode != null) {
            for (int i = 0; i < notesNode.size(); i++) {
                JsonNode note = notesNode.get(i);
                if (!note.isTextual()) {
                    problems.add(join(path, "notes") + "[" + i + "]: must be a string" + got(note));
                }
                else {
                    notes.add(note.textValue());
                }
            }
        }
        if (problems.size() > before || table == null || target == null) {
            return null;
        }
        return new TargetWritesState.Table(table, target, rows, statements, keys, notes);
    }

    private RunTuning.Values tuning(ObjectNode root)
    {
        if (!root.has("tuning")) {
            return null;
        }
        ObjectNode node = object(root, "", "tuning", false);
        if (node == null) {
            return null;
        }
        int before = problems.size();
        unknownFields(node, "tuning", TUNING_FIELDS);
        long copyBatchSize = positive(node, "copyBatchSize");
        long copyConcurrency = positive(node, "copyConcurrency");
        long replicationBatchSize = positive(node, "replicationBatchSize");
        long copyRowsPerSecond = count(node, "tuning", "copyRowsPerSecond");
        if (problems.size() > before) {
            return null;
        }
        return new RunTuning.Values((int) copyBatchSize, (int) copyConcurrency, (int) replicationBatchSize, copyRowsPerSecond);
    }

    private long positive(ObjectNode node, String name)
    {
        long value = count(node, "tuning", name);
        if (node.has(name) && (value < 1 || value > Integer.MAX_VALUE)) {
            problems.add("tuning." + name + ": must be between 1 and " + Integer.MAX_VALUE + got(node.get(name)));
        }
        return value;
    }

    private Map<TableName, String> fingerprints(ObjectNode root)
    {
        ObjectNode node = object(root, "", "schemaFingerprints", false);
        Map<TableName, String> result = new LinkedHashMap<>();
        if (node == null) {
            return result;
        }
        Map<TableName, String> seen = new LinkedHashMap<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            TableName table = table("schemaFingerprints", key, seen);
            String fingerprint = string(node, "schemaFingerprints", key, false, tablePath("schemaFingerprints", key));
            if (table != null && fingerprint != null) {
                result.put(table, fingerprint);
            }
        }
        return result;
    }

    private Map<TableName, TableCopyState> tables(ObjectNode root)
    {
        ObjectNode node = object(root, "", "tables", false);
        Map<TableName, TableCopyState> result = new LinkedHashMap<>();
        if (node == null) {
            return result;
        }
        Map<TableName, String> seen = new LinkedHashMap<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            TableName table = table("tables", key, seen);
            String path = tablePath("tables", key);
            TableCopyState state = tableState(node.get(key), path);
            if (table != null && state != null) {
                result.put(table, state);
            }
        }
        return result;
    }

    private TableName table(String parent, String key, Map<TableName, String> seen)
    {
        TableName table;
        try {
            table = TableName.parse(key);
        }
        catch (IllegalArgumentException e) {
            problems.add(tablePath(parent, key) + ": is not a table name: write database.table, with backquotes around a name that holds a dot");
            return null;
        }
        String previous = seen.putIfAbsent(table, key);
        if (previous != null) {
            problems.add(tablePath(parent, key) + ": names the same table as " + tablePath(parent, previous));
            return null;
        }
        return table;
    }

    private TableCopyState tableState(JsonNode value, String path)
    {
        if (!value.isObject()) {
            problems.add(path + ": must be an object with complete, rowsCopied and ranges" + got(value));
            return null;
        }
        ObjectNode node = (ObjectNode) value;
        int before = problems.size();
        unknownFields(node, path, TABLE_FIELDS);
        boolean complete = bool(node, path, "complete");
        long rowsCopied = count(node, path, "rowsCopied");
        JsonNode resyncNode = node.get("resync");
        if (resyncNode != null && !resyncNode.isBoolean()) {
            problems.add(path + ".resync: must be true or false" + got(resyncNode));
        }
        boolean resync = resyncNode != null && resyncNode.asBoolean();
        List<RangeState> ranges = new ArrayList<>();
        JsonNode rangesNode = member(node, path, "ranges");
        if (rangesNode != null) {
            if (!rangesNode.isArray()) {
                problems.add(path + ".ranges: must be a list of ranges" + got(rangesNode));
            }
            else {
                for (int i = 0; i < rangesNode.size(); i++) {
                    RangeState range = range(rangesNode.get(i), path + ".ranges[" + i + "]");
                    if (range != null) {
                        ranges.add(range);
                    }
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        TableCopyState state = new TableCopyState(ranges, complete, rowsCopied, resync);
        checkTable(path, state, problems);
        return problems.size() > before ? null : state;
    }

    private RangeState range(JsonNode value, String path)
    {
        if (!value.isObject()) {
            problems.add(path + ": must be an object with low, high, cursor and complete" + got(value));
            return null;
        }
        ObjectNode node = (ObjectNode) value;
        int before = problems.size();
        unknownFields(node, path, RANGE_FIELDS);
        Key low = key(node, path, "low");
        Key high = key(node, path, "high");
        Key cursor = key(node, path, "cursor");
        boolean complete = bool(node, path, "complete");
        return problems.size() > before ? null : new RangeState(low, high, cursor, complete);
    }

    private Key key(ObjectNode parent, String parentPath, String name)
    {
        JsonNode value = member(parent, parentPath, name);
        return value == null ? null : key(value, join(parentPath, name));
    }

    private Key key(JsonNode value, String path)
    {
        if (value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.isEmpty()) {
            problems.add(path + ": must be null or a non-empty list of typed values such as [{\"u\": \"42\"}, {\"t\": \"abc\"}]" + got(value));
            return null;
        }
        List<KeyValue> values = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            KeyValue keyValue = keyValue(value.get(i), path + "[" + i + "]");
            if (keyValue != null) {
                values.add(keyValue);
            }
        }
        return values.size() == value.size() ? new Key(values) : null;
    }

    private KeyValue keyValue(JsonNode node, String path)
    {
        String rule = ": must be one typed value: {\"u\": \"<unsigned>\"}, {\"s\": \"<signed>\"}, {\"t\": \"<text>\"} or {\"b\": \"<hex bytes>\"}";
        if (!node.isObject() || node.size() != 1) {
            problems.add(path + rule + got(node));
            return null;
        }
        Map.Entry<String, JsonNode> entry = node.properties().iterator().next();
        String tag = entry.getKey();
        JsonNode value = entry.getValue();
        String valuePath = path + "." + tag;
        if (!tag.equals("u") && !tag.equals("s") && !tag.equals("t") && !tag.equals("b")) {
            problems.add(path + rule + got(node));
            return null;
        }
        if (!value.isTextual()) {
            problems.add(valuePath + ": must be a string" + got(value));
            return null;
        }
        String text = value.textValue();
        switch (tag) {
            case "u":
                if (!UNSIGNED_DIGITS.matcher(text).matches() || new BigInteger(text).compareTo(UNSIGNED_MAX) > 0) {
                    problems.add(valuePath + ": must be an unsigned 64-bit integer in decimal digits, 0 to " + UNSIGNED_MAX + got(value));
                    return null;
                }
                return KeyValue.UnsignedInt.of(new BigInteger(text));
            case "s":
                if (!SIGNED_DIGITS.matcher(text).matches() || !fitsLong(text)) {
                    problems.add(valuePath + ": must be a signed 64-bit integer in decimal digits, " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + got(value));
                    return null;
                }
                return new KeyValue.SignedInt(Long.parseLong(text));
            case "b":
                if (!HEX.matcher(text).matches()) {
                    problems.add(valuePath + ": must be bytes as an even number of hex digits, e.g. \"00ff\"" + got(value));
                    return null;
                }
                return KeyValue.Bytes.fromHex(text);
            default:
                return new KeyValue.Text(text);
        }
    }

    private PositionPair positionPair(ObjectNode root)
    {
        ObjectNode node = object(root, "", "position", true);
        if (node == null) {
            return null;
        }
        int before = problems.size();
        unknownFields(node, "position", PAIR_FIELDS);
        BinlogPosition event = position(node, "position", "event");
        BinlogPosition resume = position(node, "position", "resume");
        if (problems.size() > before || event == null || resume == null) {
            return null;
        }
        PositionPair pair = new PositionPair(event, resume);
        checkPosition("position", pair, problems);
        return pair;
    }

    private BinlogPosition position(ObjectNode parent, String parentPath, String name)
    {
        ObjectNode node = object(parent, parentPath, name, false);
        if (node == null) {
            return null;
        }
        String path = join(parentPath, name);
        int before = problems.size();
        unknownFields(node, path, POSITION_FIELDS);
        String file = string(node, path, "file", false);
        long offset = count(node, path, "offset");
        String gtid = string(node, path, "gtid", true);
        return problems.size() > before ? null : new BinlogPosition(file, offset, gtid);
    }

    private Instant instant(ObjectNode parent, String parentPath, String name)
    {
        String text = string(parent, parentPath, name, false);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        }
        catch (DateTimeParseException e) {
            problems.add(join(parentPath, name) + ": must be an ISO-8601 instant such as 2025-01-15T09:15:00Z (got \"" + echo(text) + "\")");
            return null;
        }
    }

    private void unknownFields(ObjectNode node, String path, Set<String> known)
    {
        Set<String> unknown = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        });
        for (String name : unknown) {
            problems.add(join(path, name) + ": unknown field; expected " + String.join(", ", new TreeSet<>(known)));
        }
    }

    /**
     * The member, or null (with a problem) when missing. JSON null is returned as a NullNode.
     */
    private JsonNode member(ObjectNode parent, String parentPath, String name)
    {
        JsonNode value = parent.get(name);
        if (value == null) {
            problems.add(join(parentPath, name) + ": is missing");
        }
        return value;
    }

    private ObjectNode object(ObjectNode parent, String parentPath, String name, boolean nullable)
    {
        JsonNode value = member(parent, parentPath, name);
        if (value == null || (nullable && value.isNull())) {
            return null;
        }
        if (!value.isObject()) {
            problems.add(join(parentPath, name) + ": must be an object" + (nullable ? " or null" : "") + got(value));
            return null;
        }
        return (ObjectNode) value;
    }

    private String string(ObjectNode parent, String parentPath, String name, boolean nullable)
    {
        return string(parent, parentPath, name, nullable, join(parentPath, name));
    }

    private String string(ObjectNode parent, String parentPath, String name, boolean nullable, String path)
    {
        JsonNode value = parent.get(name);
        if (value == null) {
            problems.add(path + ": is missing");
            return null;
        }
        if (nullable && value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(path + ": must be a string" + (nullable ? " or null" : "") + got(value));
            return null;
        }
        if (!nullable && value.textValue().isEmpty()) {
            problems.add(path + ": must not be empty");
            return null;
        }
        return value.textValue();
    }

    private long count(ObjectNode parent, String parentPath, String name)
    {
        JsonNode value = member(parent, parentPath, name);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            problems.add(join(parentPath, name) + ": must be a whole number >= 0" + got(value));
            return 0;
        }
        return value.longValue();
    }

    private boolean bool(ObjectNode parent, String parentPath, String name)
    {
        JsonNode value = member(parent, parentPath, name);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            problems.add(join(parentPath, name) + ": must be true or false" + got(value));
            return false;
        }
        return value.booleanValue();
    }

    private static boolean fitsLong(String digits)
    {
        try {
            Long.parseLong(digits);
            return true;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }
}
