package dev.ferry.runtime.state;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.FerryPhase;
import dev.ferry.runtime.FerryVersion;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Converts a {@link FerryState} to and from ferry's versioned JSON state document:
 *
 * <pre>{@code
 * {"configFingerprint": "...", "ferryVersion": "0.1.0", "format": 1, "phase": "copying",
 *  "position": {"event": POS, "resume": POS} | null, "runId": 42, "savedAt": "2025-01-15T09:15:00Z",
 *  "schemaFingerprints": {"db.table": "..."},
 *  "tables": {"db.table": {"complete": false, "ranges": [{"complete": false, "cursor": KEY|null,
 *             "high": KEY|null, "low": KEY|null}], "resync": true, "rowsCopied": 1000}},
 *  "verifierState": "..." | null}
 * }</pre>
 *
 * where {@code KEY} is a list of typed values ({@code {"u": "18446744073709551615"}} unsigned,
 * {@code {"s": "-5"}} signed, {@code {"t": "abc"}} text, {@code {"b": "00ff"}} bytes as hex), so
 * every key round-trips exactly, and {@code POS} is {@code {"file": "bin.000003", "gtid": "..."|null,
 * "offset": 4}}. Table names are written {@code db.table}, with backquoted parts when a name holds
 * a dot or a backquote, and read with {@link TableName#parse}.
 *
 * <p>Encoding is deterministic: keys sorted, two-space indentation, a container on one line when it
 * fits in 100 characters, {@code \n} line ends, no trailing newline. Decoding checks everything and
 * refuses, with a {@link StateException} naming each problem and what to do, any document ferry
 * would not have written: empty, not JSON (with line and column), another format version, missing
 * or ill-typed fields (by JSON path), unknown fields, or impossible values such as a negative
 * offset or a cursor outside its range. Encoding applies the same value checks, so ferry never
 * saves a state it could not resume from.
 *
 * <p>Thread-safe.
 */
public final class StateCodec
{
    /**
     * The document format this ferry writes and reads.
     */
    public static final int FORMAT = FerryState.FORMAT_VERSION;

    private static final String DEFAULT_ORIGIN = "the state document";
    private static final String START_OVER = "move it away (or point state at a new location) to start over";
    private static final int LINE_WIDTH = 100;
    private static final int MAX_ECHO = 60;
    private static final Pattern UNSIGNED_DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final Pattern SIGNED_DIGITS = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})*");
    private static final int UNKNOWN = Integer.MIN_VALUE;
    private static final BigInteger UNSIGNED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static final Set<String> ROOT_FIELDS = Set.of(
            "format", "ferryVersion", "configFingerprint", "runId", "phase", "savedAt",
            "schemaFingerprints", "tables", "position", "verifierState");
    private static final Set<String> TABLE_FIELDS = Set.of("complete", "rowsCopied", "ranges", "resync");
    private static final Set<String> RANGE_FIELDS = Set.of("low", "high", "cursor", "complete");
    private static final Set<String> PAIR_FIELDS = Set.of("event", "resume");
    private static final Set<String> POSITION_FIELDS = Set.of("file", "offset", "gtid");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StateCodec() {}

    /**
     * The state as a readable, deterministic JSON document (several lines).
     *
     * @throws StateException if the state holds values a resume would refuse (a bug in the caller)
     */
    public static String encode(FerryState state)
    {
        StringBuilder out = new StringBuilder(1024);
        writePretty(toTree(state), 0, true, out);
        return out.toString();
    }

    /**
     * The same document as {@link #encode} on one line, without insignificant whitespace.
     */
    public static String encodeCompact(FerryState state)
    {
        StringBuilder out = new StringBuilder(1024);
        writeInline(toTree(state), false, Integer.MAX_VALUE, out);
        return out.toString();
    }

    /**
     * Reads a state document.
     *
     * @throws StateException naming every problem when the document is not a valid format-1 state
     */
    public static FerryState decode(String document)
    {
        return decode(document, DEFAULT_ORIGIN);
    }

    /**
     * Reads a state document; {@code origin} names it in messages, e.g.
     * {@code the state in file /var/lib/ferry/state.json}.
     *
     * @throws StateException naming every problem when the document is not a valid format-1 state
     */
    public static FerryState decode(String document, String origin)
    {
        requireNonNull(document, "document is null");
        requireNonNull(origin, "origin is null");
        if (document.isBlank()) {
            throw new StateException(origin + " is empty: ferry replaces its state atomically and never saves an empty one; "
                    + "restore it from a backup, or " + START_OVER);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(document);
        }
        catch (JsonProcessingException e) {
            throw new StateException(origin + " is not valid JSON" + where(e.getLocation()) + " (" + reason(e) + "): "
                    + "it was truncated or edited by hand; restore it from a backup, or " + START_OVER, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new StateException(origin + " is empty: restore it from a backup, or " + START_OVER);
        }
        if (!root.isObject()) {
            throw new StateException(origin + " is not a ferry state document: expected a JSON object with \"format\": " + FORMAT
                    + ", got " + kind(root) + "; " + START_OVER);
        }
        JsonNode format = root.get("format");
        if (format == null) {
            List<String> fields = new ArrayList<>();
            root.fieldNames().forEachRemaining(fields::add);
            throw new StateException(origin + " is not a ferry state document: it has no \"format\" field (its fields: "
                    + echo(String.join(", ", fields)) + "); point state at ferry's own state, or " + START_OVER);
        }
        if (!format.isIntegralNumber() || !format.canConvertToInt()) {
            throw new StateException(origin + " is not a ferry state document: \"format\" must be a whole number" + got(format)
                    + "; " + START_OVER);
        }
        if (format.intValue() != FORMAT) {
            JsonNode writer = root.get("ferryVersion");
            String by = writer != null && writer.isTextual() ? "ferry " + echo(writer.asText()) : "an unknown ferry version";
            throw new StateException(origin + " was written by " + by + " with state format " + format.intValue()
                    + "; this ferry (" + FerryVersion.get() + ") reads format " + FORMAT + ": resume with "
                    + (writer != null && writer.isTextual() ? "ferry " + echo(writer.asText()) : "the ferry that wrote it")
                    + ", or " + START_OVER);
        }
        Decoder decoder = new Decoder();
        FerryState state = decoder.state((ObjectNode) root);
        if (!decoder.problems.isEmpty() || state == null) {
            List<String> problems = decoder.problems;
            StringBuilder message = new StringBuilder(origin).append(" has ").append(problems.size())
                    .append(problems.size() == 1 ? " problem:" : " problems:");
            for (String problem : problems) {
                message.append("\n  - ").append(problem);
            }
            message.append("\nferry never writes such a document: it was edited by hand or damaged; fix it, restore it from a backup, or ")
                    .append(START_OVER);
            throw new StateException(message.toString(), problems, null);
        }
        return state;
    }

    /**
     * How a table is named in the document: {@code db.table}, or {@code `d.b`.`table`} when a part
     * holds a dot or a backquote, so that {@link TableName#parse} reads it back.
     */
    public static String tableKey(TableName table)
    {
        if (needsQuotes(table.database()) || needsQuotes(table.table())) {
            return table.quoted();
        }
        return table.database() + "." + table.table();
    }

    private static boolean needsQuotes(String name)
    {
        return name.indexOf('.') >= 0 || name.indexOf('`') >= 0;
    }

    // ---- encoding

    private static ObjectNode toTree(FerryState state)
    {
        requireNonNull(state, "state is null");
        if (state.formatVersion() != FORMAT) {
            throw new IllegalArgumentException("this ferry writes state format " + FORMAT + ", not " + state.formatVersion());
        }
        List<String> problems = new ArrayList<>();
        checkState(state, problems);
        if (!problems.isEmpty()) {
            throw new StateException("refusing to save a state ferry could not resume from: " + String.join("; ", problems), problems, null);
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("ferryVersion", state.ferryVersion());
        root.put("configFingerprint", state.configFingerprint());
        root.put("runId", state.runId());
        root.put("phase", state.phase());
        root.put("savedAt", state.savedAt().toString());
        ObjectNode fingerprints = root.putObject("schemaFingerprints");
        for (Map.Entry<TableName, String> entry : state.schemaFingerprints().entrySet()) {
            fingerprints.put(tableKey(entry.getKey()), entry.getValue());
        }
        ObjectNode tables = root.putObject("tables");
        for (Map.Entry<TableName, TableCopyState> entry : state.tables().entrySet()) {
            TableCopyState table = entry.getValue();
            ObjectNode node = tables.putObject(tableKey(entry.getKey()));
            node.put("complete", table.complete());
            node.put("rowsCopied", table.rowsCopied());
            if (table.resync()) {
                // written only when set: documents of ordinary copies stay as they were
                node.put("resync", true);
            }
            ArrayNode ranges = node.putArray("ranges");
            for (RangeState range : table.ranges()) {
                ObjectNode rangeNode = ranges.addObject();
                rangeNode.set("low", keyTree(range.low()));
                rangeNode.set("high", keyTree(range.high()));
                rangeNode.set("cursor", keyTree(range.cursor()));
                rangeNode.put("complete", range.complete());
            }
        }
        if (state.position() == null) {
            root.putNull("position");
        }
        else {
            ObjectNode pair = root.putObject("position");
            pair.set("event", positionTree(state.position().event()));
            pair.set("resume", positionTree(state.position().resume()));
        }
        root.put("verifierState", state.verifierState());
        return root;
    }

    private static JsonNode keyTree(Key key)
    {
        if (key == null) {
            return MAPPER.getNodeFactory().nullNode();
        }
        ArrayNode values = MAPPER.createArrayNode();
        for (KeyValue value : key.values()) {
            values.addObject().put(kindTag(value), value.text());
        }
        return values;
    }

    private static String kindTag(KeyValue value)
    {
        if (value instanceof KeyValue.UnsignedInt) {
            return "u";
        }
        if (value instanceof KeyValue.SignedInt) {
            return "s";
        }
        return value instanceof KeyValue.Text ? "t" : "b";
    }

    private static ObjectNode positionTree(BinlogPosition position)
    {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("file", position.file());
        node.put("offset", position.offset());
        node.put("gtid", position.gtidSet());
        return node;
    }

    private static void writePretty(JsonNode node, int depth, boolean expand, StringBuilder out)
    {
        if (!node.isContainerNode() || node.isEmpty()) {
            writeInline(node, true, Integer.MAX_VALUE, out);
            return;
        }
        if (!expand) {
            int mark = out.length();
            if (writeInline(node, true, mark + LINE_WIDTH - 2 * depth, out)) {
                return;
            }
            out.setLength(mark);
        }
        boolean object = node.isObject();
        out.append(object ? '{' : '[');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : members(node)) {
            out.append(first ? "\n" : ",\n");
            first = false;
            indent(depth + 1, out);
            if (object) {
                quote(member.getKey(), out);
                out.append(": ");
            }
            writePretty(member.getValue(), depth + 1, false, out);
        }
        out.append('\n');
        indent(depth, out);
        out.append(object ? '}' : ']');
    }

    /**
     * Writes {@code node} on one line; returns false as soon as the output passes {@code limit}.
     */
    private static boolean writeInline(JsonNode node, boolean spaced, int limit, StringBuilder out)
    {
        if (node.isTextual()) {
            quote(node.textValue(), out);
        }
        else if (!node.isContainerNode()) {
            out.append(node.isNull() ? "null" : node.asText());
        }
        else {
            boolean object = node.isObject();
            out.append(object ? '{' : '[');
            boolean first = true;
            for (Map.Entry<String, JsonNode> member : members(node)) {
                if (!first) {
                    out.append(spaced ? ", " : ",");
                }
                first = false;
                if (object) {
                    quote(member.getKey(), out);
                    out.append(spaced ? ": " : ":");
                }
                if (!writeInline(member.getValue(), spaced, limit, out)) {
                    return false;
                }
            }
            out.append(object ? '}' : ']');
        }
        return out.length() <= limit;
    }

    private static Iterable<Map.Entry<String, JsonNode>> members(JsonNode node)
    {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                sorted.put(entry.getKey(), entry.getValue());
            }
            return sorted.entrySet();
        }
        List<Map.Entry<String, JsonNode>> elements = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            elements.add(Map.entry("", element));
        }
        return elements;
    }

    private static void quote(String text, StringBuilder out)
    {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        out.append('"');
    }

    private static void indent(int depth, StringBuilder out)
    {
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    // ---- value rules shared by encoding and decoding

    private static void checkState(FerryState state, List<String> problems)
    {
        if (state.ferryVersion().isEmpty()) {
            problems.add("ferryVersion: must not be empty");
        }
        if (state.configFingerprint().isEmpty()) {
            problems.add("configFingerprint: must not be empty");
        }
        if (state.runId() < 0) {
            problems.add("runId: must be a whole number >= 0 (got " + state.runId() + ")");
        }
        checkPhase("phase", state.phase(), problems);
        for (Map.Entry<TableName, String> entry : state.schemaFingerprints().entrySet()) {
            if (entry.getValue().isEmpty()) {
                problems.add(tablePath("schemaFingerprints", entry.getKey()) + ": must not be empty");
            }
        }
        for (Map.Entry<TableName, TableCopyState> entry : state.tables().entrySet()) {
            checkTable(tablePath("tables", entry.getKey()), entry.getValue(), problems);
        }
        if (state.position() != null) {
            checkPosition("position", state.position(), problems);
        }
    }

    private static void checkPhase(String path, String phase, List<String> problems)
    {
        List<String> labels = new ArrayList<>();
        for (FerryPhase known : FerryPhase.values()) {
            if (known.label().equals(phase)) {
                return;
            }
            labels.add(known.label());
        }
        problems.add(path + ": must be one of " + String.join(", ", labels) + " (got \"" + echo(phase) + "\")");
    }

    private static void checkTable(String path, TableCopyState table, List<String> problems)
    {
        if (table.rowsCopied() < 0) {
            problems.add(path + ".rowsCopied: must be a whole number >= 0 (got " + table.rowsCopied() + ")");
        }
        Key model = null;
        String modelPath = null;
        List<RangeState> ranges = table.ranges();
        for (int i = 0; i < ranges.size(); i++) {
            RangeState range = ranges.get(i);
            String rangePath = path + ".ranges[" + i + "]";
            Key[] keys = {range.low(), range.high(), range.cursor()};
            String[] names = {"low", "high", "cursor"};
            boolean shapesAgree = true;
            for (int k = 0; k < keys.length; k++) {
                if (keys[k] == null) {
                    continue;
                }
                if (model == null) {
                    model = keys[k];
                    modelPath = rangePath + "." + names[k];
                }
                else if (!sameShape(model, keys[k])) {
                    problems.add(rangePath + "." + names[k] + ": " + shape(keys[k]) + " does not match " + modelPath
                            + " (" + shape(model) + "): every key of a table has the same columns");
                    shapesAgree = false;
                }
            }
            if (shapesAgree) {
                checkRange(rangePath, range, problems);
            }
        }
    }

    private static void checkRange(String path, RangeState range, List<String> problems)
    {
        Key low = range.low();
        Key high = range.high();
        Key cursor = range.cursor();
        if (low != null && high != null && isCertain(order(low, high)) && order(low, high) >= 0) {
            problems.add(path + ": low " + echo(low.toString()) + " must be below high " + echo(high.toString())
                    + " (a range holds the keys k with low < k <= high)");
        }
        if (cursor != null && low != null && isCertain(order(cursor, low)) && order(cursor, low) <= 0) {
            problems.add(path + ".cursor: " + echo(cursor.toString()) + " lies outside its range: it must be above low " + echo(low.toString()));
        }
        if (cursor != null && high != null && isCertain(order(cursor, high)) && order(cursor, high) > 0) {
            problems.add(path + ".cursor: " + echo(cursor.toString()) + " lies outside its range: it must not be above high " + echo(high.toString()));
        }
    }

    private static void checkPosition(String path, PositionPair pair, List<String> problems)
    {
        if (pair.event().file().isEmpty()) {
            problems.add(path + ".event.file: must not be empty");
        }
        if (pair.resume().file().isEmpty()) {
            problems.add(path + ".resume.file: must not be empty");
        }
        if (pair.resume().compareTo(pair.event()) > 0) {
            problems.add(path + ".resume: " + pair.resume() + " must not be after position.event " + pair.event()
                    + " (resume is the start of the transaction holding event)");
        }
    }

    /**
     * -1, 0 or 1 when the order of two keys is certain; {@link #UNKNOWN} when it is decided by a
     * text value, which the server orders by its collation, or by values of different kinds. Only
     * certain orders are held against a document, so a collation never makes a valid state refused.
     */
    private static int order(Key a, Key b)
    {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            KeyValue x = a.get(i);
            KeyValue y = b.get(i);
            if (family(x) != family(y)) {
                return UNKNOWN;
            }
            if (x instanceof KeyValue.Text) {
                if (x.equals(y)) {
                    continue;
                }
                return UNKNOWN;
            }
            int result = x.compareTo(y);
            if (result != 0) {
                return Integer.signum(result);
            }
        }
        return a.size() == b.size() ? 0 : UNKNOWN;
    }

    private static boolean isCertain(int order)
    {
        return order != UNKNOWN;
    }

    private static boolean sameShape(Key a, Key b)
    {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (family(a.get(i)) != family(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String shape(Key key)
    {
        StringBuilder text = new StringBuilder().append(key.size()).append(key.size() == 1 ? " value (" : " values (");
        for (int i = 0; i < key.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(new String[] {"integer", "text", "bytes"}[family(key.get(i))]);
        }
        return text.append(')').toString();
    }

    private static int family(KeyValue value)
    {
        if (value instanceof KeyValue.Text) {
            return 1;
        }
        return value instanceof KeyValue.Bytes ? 2 : 0;
    }

    private static String tablePath(String parent, TableName table)
    {
        return tablePath(parent, tableKey(table));
    }

    private static String tablePath(String parent, String key)
    {
        return parent + "[\"" + key + "\"]";
    }

    // ---- decoding

    private static final class Decoder
    {
        private final List<String> problems = new ArrayList<>();

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
            if (phase != null) {
                checkPhase("phase", phase, problems);
            }
            if (problems.size() > before) {
                return null;
            }
            return new FerryState(FORMAT, ferryVersion, configFingerprint, runId, phase, fingerprints, tables, position, verifierState, savedAt);
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
            String path = join(parentPath, name);
            if (value == null || value.isNull()) {
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

    private static String join(String parentPath, String name)
    {
        return parentPath.isEmpty() ? name : parentPath + "." + name;
    }

    private static String where(JsonLocation location)
    {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String reason(JsonProcessingException e)
    {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int cut = message.indexOf('\n');
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        cut = message.indexOf(" (start marker");
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        cut = message.indexOf(" (bound as");
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        return message.trim();
    }

    private static String kind(JsonNode node)
    {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.isNull() ? "null" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String got(JsonNode value)
    {
        return " (got " + echo(value.isTextual() ? "\"" + value.textValue() + "\"" : value.toString()) + ")";
    }

    private static String echo(String text)
    {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
    }
}
