package dev.ferry.runtime.state;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.core.FerryPhase;
import dev.ferry.runtime.core.FerryVersion;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
 *  "verifierState": "..." | null,
 *  "targetWrites": {"position": POS, "tables": {"db.table": {"target": "db.table", "rows": 2, "statements": 0,
 *                   "keys": [KEY], "notes": ["..."]}}}}
 * }</pre>
 *
 * ({@code tuning} and {@code targetWrites} only when there is something to say).
 *
 * where {@code KEY} is a list of typed values ({@code {"u": "18446744073709551615"}} unsigned,
 * {@code {"s": "-5"}} signed, {@code {"t": "abc"}} text, {@code {"b": "00ff"}} bytes as hex), so
 * every key round-trips exactly, and {@code POS} is {@code {"file": "bin.000003", "gtid": "..."|null,
 * "offset": 4}}. Table names are written {@code db.table}, with backquoted parts when a name holds
 * a dot or a backquote, and read with {@link TableName#parse}.
 *
 * <p>Jackson parses the document into a tree and writes every value; this class builds the tree,
 * lays it out and checks it ({@link StateDecoder} reads the fields, {@link StateRules} holds the
 * rules for copy progress). Encoding is deterministic: keys sorted, two-space indentation, a
 * container on one line when it fits in 100 characters, {@code \n} line ends, no trailing newline. Decoding checks everything and
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

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();
    private static final ObjectWriter COMPACT = MAPPER.writer();
    /** one line with a space after each comma and colon: how a container that fits is written */
    private static final ObjectWriter SPACED = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(DefaultPrettyPrinter.NopIndenter.instance)
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance)
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEntrySpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator("")));

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
        return write(COMPACT, toTree(state));
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
        StateDecoder decoder = new StateDecoder();
        FerryState state = decoder.state((ObjectNode) root);
        if (!decoder.problems().isEmpty() || state == null) {
            List<String> problems = decoder.problems();
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
        if (state.tuning() != null) {
            // written only when tuned: other documents stay as they were
            ObjectNode tuning = root.putObject("tuning");
            tuning.put("copyBatchSize", state.tuning().copyBatchSize());
            tuning.put("copyConcurrency", state.tuning().copyConcurrency());
            tuning.put("replicationBatchSize", state.tuning().replicationBatchSize());
            tuning.put("copyRowsPerSecond", state.tuning().copyRowsPerSecond());
        }
        if (state.targetWrites() != null) {
            // written only when the target is watched: other documents stay as they were
            ObjectNode watch = root.putObject("targetWrites");
            watch.set("position", positionTree(state.targetWrites().position()));
            ObjectNode flagged = watch.putObject("tables");
            for (TargetWritesState.Table table : state.targetWrites().tables()) {
                ObjectNode node = flagged.putObject(tableKey(table.table()));
                node.put("target", tableKey(table.target()));
                node.put("rows", table.rows());
                node.put("statements", table.statements());
                ArrayNode keys = node.putArray("keys");
                for (Key key : table.keys()) {
                    keys.add(keyTree(key));
                }
                ArrayNode notes = node.putArray("notes");
                table.notes().forEach(notes::add);
            }
        }
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

    /**
     * Writes {@code node} at {@code depth}: a container on one line when it fits the line width
     * (unless {@code expand}), else one member per line.
     */
    private static void writePretty(JsonNode node, int depth, boolean expand, StringBuilder out)
    {
        if (!node.isContainerNode() || node.isEmpty()) {
            out.append(write(SPACED, node));
            return;
        }
        if (!expand) {
            String inline = write(SPACED, node);
            if (inline.length() <= LINE_WIDTH - 2 * depth) {
                out.append(inline);
                return;
            }
        }
        boolean object = node.isObject();
        out.append(object ? '{' : '[');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : members(node)) {
            out.append(first ? "\n" : ",\n");
            first = false;
            indent(depth + 1, out);
            if (object) {
                out.append(write(SPACED, TextNode.valueOf(member.getKey()))).append(": ");
            }
            writePretty(member.getValue(), depth + 1, false, out);
        }
        out.append('\n');
        indent(depth, out);
        out.append(object ? '}' : ']');
    }

    private static String write(ObjectWriter writer, JsonNode node)
    {
        try {
            return writer.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a JSON tree to a string", e);
        }
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
            StateRules.checkTable(tablePath("tables", entry.getKey()), entry.getValue(), problems);
        }
        if (state.position() != null) {
            checkPosition("position", state.position(), problems);
        }
    }

    static void checkPhase(String path, String phase, List<String> problems)
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

    static void checkPosition(String path, PositionPair pair, List<String> problems)
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

    static String tablePath(String parent, TableName table)
    {
        return tablePath(parent, tableKey(table));
    }

    static String tablePath(String parent, String key)
    {
        return parent + "[\"" + key + "\"]";
    }

    static String join(String parentPath, String name)
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

    static String got(JsonNode value)
    {
        return " (got " + echo(value.isTextual() ? "\"" + value.textValue() + "\"" : value.toString()) + ")";
    }

    static String echo(String text)
    {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
    }
}

