package dev.ferry.runtime.state;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.model.KeyValue;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.TableName;
import dev.ferry.runtime.core.FerryVersion;
import dev.ferry.runtime.core.RunTuning;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateCodecTest
{
    private static final KeyValue UNSIGNED_MAX = KeyValue.UnsignedInt.of(new BigInteger("18446744073709551615"));

    @Test
    void roundTripsEveryKeyKindAndCompositeKeys()
    {
        FerryState state = richState();
        String document = StateCodec.encode(state);
        assertEquals(state, StateCodec.decode(document));
        assertEquals(state, StateCodec.decode(StateCodec.encodeCompact(state)));
        assertEquals(document, StateCodec.encode(StateCodec.decode(document)), "re-encoding changes nothing");
        assertTrue(document.contains("{\"u\": \"18446744073709551615\"}"), document);
        assertTrue(document.contains("{\"s\": \"-9223372036854775808\"}"), document);
        assertTrue(document.contains("{\"b\": \"00ff80\"}"), document);
    }

    @Test
    void keepsTheTunedValuesAndRefusesImpossibleOnes()
    {
        FerryState plain = richState();
        FerryState tuned = new FerryState(plain.formatVersion(), plain.ferryVersion(), plain.configFingerprint(), plain.runId(), plain.phase(),
                plain.schemaFingerprints(), plain.tables(), plain.position(), plain.verifierState(), plain.savedAt(),
                new RunTuning.Values(250, 3, 80, 5000));
        String document = StateCodec.encode(tuned);
        assertTrue(document.contains("\"tuning\""), document);
        assertEquals(tuned, StateCodec.decode(document));
        assertFalse(StateCodec.encode(plain).contains("\"tuning\""), "a state without tuning is written as before");

        String broken = document.replace("\"copyBatchSize\": 250", "\"copyBatchSize\": 0");
        StateException e = assertThrows(StateException.class, () -> StateCodec.decode(broken, "the state in file /tmp/s.json"));
        assertTrue(e.getMessage().contains("tuning.copyBatchSize: must be between 1 and"), e.getMessage());
    }

    @Test
    void keepsWhatTheWatchOfTheTargetFoundAndWritesItOnlyWhenWatched()
    {
        FerryState plain = richState();
        TargetWritesState watch = new TargetWritesState(new BinlogPosition("bin.000007", 8812, "0-2-99"), List.of(
                new TargetWritesState.Table(new TableName("shop", "items"), new TableName("shop_new", "items"), 3, 0,
                        List.of(key(u(778)), key(UNSIGNED_MAX)), List.of()),
                new TargetWritesState.Table(new TableName("shop.eu", "order`lines"), new TableName("shop.eu", "order`lines"), 1, 1,
                        List.of(key(s(-5), t("Zoë"), new KeyValue.Bytes(new byte[] {0, (byte) 0xff}))),
                        List.of("ALTER TABLE `shop.eu`.`order``lines` ADD COLUMN x INT"))));
        FerryState watched = new FerryState(plain.formatVersion(), plain.ferryVersion(), plain.configFingerprint(), plain.runId(), plain.phase(),
                plain.schemaFingerprints(), plain.tables(), plain.position(), plain.verifierState(), plain.savedAt(), null, watch);
        String document = StateCodec.encode(watched);
        assertTrue(document.contains("\"targetWrites\""), document);
        assertEquals(watched, StateCodec.decode(document));
        assertEquals(document, StateCodec.encode(StateCodec.decode(document)), "re-encoding changes nothing");
        assertFalse(StateCodec.encode(plain).contains("targetWrites"), "a state without a watch is written as before");

        FerryState nothingFound = new FerryState(plain.formatVersion(), plain.ferryVersion(), plain.configFingerprint(), plain.runId(), plain.phase(),
                plain.schemaFingerprints(), plain.tables(), plain.position(), plain.verifierState(), plain.savedAt(), null,
                new TargetWritesState(new BinlogPosition("bin.000001", 4, null), List.of()));
        assertEquals(nothingFound, StateCodec.decode(StateCodec.encode(nothingFound)));

        assertProblems(document.replace("\"rows\": 3", "\"rows\": -3"),
                "targetWrites.tables[\"shop.items\"].rows: must be a whole number >= 0 (got -3)");
        assertProblems(document.replace("\"target\": \"shop_new.items\"", "\"target\": \"shop_new\""),
                "targetWrites.tables[\"shop.items\"].target: is not a table name: write database.table, with backquotes around a name that holds a dot");
    }

    @Test
    void keepsEveryKeyValueExactly()
    {
        FerryState decoded = StateCodec.decode(StateCodec.encode(richState()));
        TableCopyState items = decoded.tables().get(new TableName("shop", "items"));
        assertEquals(UNSIGNED_MAX, items.ranges().get(1).high().get(0));
        assertEquals(-1L, ((KeyValue.UnsignedInt) items.ranges().get(1).high().get(0)).bits());
        TableCopyState composite = decoded.tables().get(new TableName("shop.eu", "order`lines"));
        Key cursor = composite.ranges().get(0).cursor();
        assertEquals(new KeyValue.SignedInt(-5), cursor.get(0));
        assertEquals(new KeyValue.Text("Zoë \"quoted\"\n\ttab 😀 "), cursor.get(1));
        assertEquals(new KeyValue.Bytes(new byte[] {0, (byte) 0xff, (byte) 0x80}), cursor.get(2));
    }

    @Test
    void writesASortedReadableDocument()
    {
        FerryState state = new FerryState(1, "0.1.0", "cfg-1", 42, "copying",
                Map.of(new TableName("shop", "items"), "fp-items"),
                Map.of(new TableName("shop", "items"), new TableCopyState(List.of(
                        new RangeState(null, key(u(1000)), key(u(999)), false),
                        new RangeState(key(u(1000)), null, null, false)), false, 999)),
                new PositionPair(new BinlogPosition("bin.000003", 4711, null), new BinlogPosition("bin.000003", 4000, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")),
                null,
                Instant.parse("2025-01-15T09:15:00.123456Z"));
        assertEquals("""
                {
                  "configFingerprint": "cfg-1",
                  "ferryVersion": "0.1.0",
                  "format": 1,
                  "phase": "copying",
                  "position": {
                    "event": {"file": "bin.000003", "gtid": null, "offset": 4711},
                    "resume": {"file": "bin.000003", "gtid": "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", "offset": 4000}
                  },
                  "runId": 42,
                  "savedAt": "2025-01-15T09:15:00.123456Z",
                  "schemaFingerprints": {"shop.items": "fp-items"},
                  "tables": {
                    "shop.items": {
                      "complete": false,
                      "ranges": [
                        {"complete": false, "cursor": [{"u": "999"}], "high": [{"u": "1000"}], "low": null},
                        {"complete": false, "cursor": null, "high": null, "low": [{"u": "1000"}]}
                      ],
                      "rowsCopied": 999
                    }
                  },
                  "verifierState": null
                }""", StateCodec.encode(state));
        assertEquals("{\"configFingerprint\":\"cfg-1\",\"ferryVersion\":\"0.1.0\",\"format\":1,\"phase\":\"copying\",\"position\":{\"event\":"
                        + "{\"file\":\"bin.000003\",\"gtid\":null,\"offset\":4711},\"resume\":{\"file\":\"bin.000003\",\"gtid\":"
                        + "\"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5\",\"offset\":4000}},\"runId\":42,\"savedAt\":\"2025-01-15T09:15:00.123456Z\","
                        + "\"schemaFingerprints\":{\"shop.items\":\"fp-items\"},\"tables\":{\"shop.items\":{\"complete\":false,\"ranges\":"
                        + "[{\"complete\":false,\"cursor\":[{\"u\":\"999\"}],\"high\":[{\"u\":\"1000\"}],\"low\":null},{\"complete\":false,"
                        + "\"cursor\":null,\"high\":null,\"low\":[{\"u\":\"1000\"}]}],\"rowsCopied\":999}},\"verifierState\":null}",
                StateCodec.encodeCompact(state));
    }

    @Test
    void quotesTableNamesThatHoldDotsOrBackquotes()
    {
        assertEquals("shop.items", StateCodec.tableKey(new TableName("shop", "items")));
        assertEquals("`shop.eu`.`order``lines`", StateCodec.tableKey(new TableName("shop.eu", "order`lines")));
        assertEquals("`shop`.`a.b`", StateCodec.tableKey(new TableName("shop", "a.b")));
        for (TableName name : List.of(new TableName("shop.eu", "order`lines"), new TableName("shop", "a.b"), new TableName("`x`", "y"))) {
            assertEquals(name, TableName.parse(StateCodec.tableKey(name)));
        }
    }

    @Test
    void refusesAnEmptyDocument()
    {
        for (String empty : List.of("", "   ", "\n\t\n")) {
            StateException e = assertThrows(StateException.class, () -> StateCodec.decode(empty, "the state in file /tmp/s.json"));
            assertTrue(e.getMessage().startsWith("the state in file /tmp/s.json is empty: ferry replaces its state atomically"), e.getMessage());
            assertTrue(e.getMessage().endsWith("to start over"), e.getMessage());
        }
    }

    @Test
    void refusesTheDocumentTruncatedAtEveryPosition()
    {
        String document = StateCodec.encode(richState());
        for (int length = 0; length < document.length(); length++) {
            assertTruncatedRefused(document.substring(0, length), length);
        }
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        for (int length = 0; length < bytes.length; length++) {
            assertTruncatedRefused(new String(Arrays.copyOf(bytes, length), StandardCharsets.UTF_8), length);
        }
    }

    private static void assertTruncatedRefused(String prefix, int length)
    {
        StateException e = assertThrows(StateException.class, () -> StateCodec.decode(prefix), "accepted a document truncated to " + length);
        String message = e.getMessage();
        assertTrue(message.startsWith("the state document is empty:")
                        || message.matches("(?s)the state document is not valid JSON at line \\d+, column \\d+ \\(.+\\): it was truncated or edited by hand; .*"),
                "truncated to " + length + ": " + message);
    }

    @Test
    void refusesForeignJson()
    {
        assertMessage("{\"hello\": 1}", "the state document is not a ferry state document: it has no \"format\" field (its fields: hello); "
                + "point state at ferry's own state, or move it away (or point state at a new location) to start over");
        assertMessage("[1, 2]", "the state document is not a ferry state document: expected a JSON object with \"format\": 1, got a list; "
                + "move it away (or point state at a new location) to start over");
        assertMessage("null", "the state document is not a ferry state document: expected a JSON object with \"format\": 1, got null; "
                + "move it away (or point state at a new location) to start over");
        assertMessage("{\"format\": \"1\"}", "the state document is not a ferry state document: \"format\" must be a whole number (got \"1\"); "
                + "move it away (or point state at a new location) to start over");
    }

    @Test
    void refusesAnotherFormatNamingTheFerryThatWroteIt()
    {
        assertMessage("{\"format\": 2, \"ferryVersion\": \"9.1.0\", \"somethingNew\": []}",
                "the state document was written by ferry 9.1.0 with state format 2; this ferry (" + FerryVersion.get() + ") reads format 1: "
                        + "resume with ferry 9.1.0, or move it away (or point state at a new location) to start over");
    }

    @Test
    void refusesInvalidJsonWithLineAndColumn()
    {
        String document = StateCodec.encode(richState()).replace("\"runId\": 42,", "\"runId\": 42,,");
        StateException e = assertThrows(StateException.class, () -> StateCodec.decode(document));
        assertTrue(e.getMessage().matches("the state document is not valid JSON at line 10, column \\d+ \\(.+\\): it was truncated or edited by hand; "
                + "restore it from a backup, or move it away \\(or point state at a new location\\) to start over"), e.getMessage());
        StateException duplicate = assertThrows(StateException.class,
                () -> StateCodec.decode(StateCodec.encode(richState()).replace("\"runId\": 42,", "\"runId\": 42, \"runId\": 43,")));
        assertTrue(duplicate.getMessage().contains("(Duplicate"), duplicate.getMessage());
        StateException trailing = assertThrows(StateException.class, () -> StateCodec.decode(StateCodec.encode(richState()) + "\n{}"));
        assertTrue(trailing.getMessage().contains("is not valid JSON at line"), trailing.getMessage());
    }

    @Test
    void refusesAHandEditedNegativeOffset()
    {
        String document = StateCodec.encode(richState()).replace("\"offset\": 4711", "\"offset\": -5");
        assertProblems(document, "position.event.offset: must be a whole number >= 0 (got -5)");
    }

    @Test
    void refusesACursorOutsideItsRange()
    {
        String document = StateCodec.encode(richState()).replace("\"cursor\": [{\"u\": \"900\"}]", "\"cursor\": [{\"u\": \"5000\"}]");
        assertProblems(document, "tables[\"shop.items\"].ranges[0].cursor: (5000) lies outside its range: it must not be above high (1000)");
        String belowLow = StateCodec.encode(richState()).replace("\"cursor\": [{\"u\": \"2000\"}]", "\"cursor\": [{\"u\": \"1000\"}]");
        assertProblems(belowLow, "tables[\"shop.items\"].ranges[1].cursor: (1000) lies outside its range: it must be above low (1000)");
    }

    @Test
    void namesEveryMissingOrIllTypedFieldByPath()
    {
        String document = StateCodec.encode(richState())
                .replace("  \"phase\": \"copying\",\n", "")
                .replace("\"rowsCopied\": 1500", "\"rowsCopied\": \"1500\"")
                .replace("\"savedAt\": \"2025-01-15T09:15:00Z\"", "\"savedAt\": \"yesterday\"")
                .replace("{\"u\": \"900\"}", "{\"u\": \"-1\"}")
                .replace("{\"b\": \"00ff80\"}", "{\"b\": \"0xff\"}")
                .replace("\"runId\": 42,", "\"runId\": 42, \"extra\": true,");
        assertProblems(document,
                "extra: unknown field; expected configFingerprint, ferryVersion, format, phase, position, runId, savedAt, schemaFingerprints, tables, targetWrites, tuning, verifierState",
                "phase: is missing",
                "savedAt: must be an ISO-8601 instant such as 2025-01-15T09:15:00Z (got \"yesterday\")",
                "tables[\"`shop.eu`.`order``lines`\"].ranges[0].cursor[2].b: must be bytes as an even number of hex digits, e.g. \"00ff\" (got \"0xff\")",
                "tables[\"shop.items\"].rowsCopied: must be a whole number >= 0 (got \"1500\")",
                "tables[\"shop.items\"].ranges[0].cursor[0].u: must be an unsigned 64-bit integer in decimal digits, 0 to 18446744073709551615 (got \"-1\")");
    }

    @Test
    void keepsTheResyncOfARenamedTableAndWritesItOnlyWhenSet()
    {
        TableCopyState resync = new TableCopyState(List.of(new RangeState(null, null, key(u(7)), false)), false, 7, true);
        String document = StateCodec.encode(withTable(resync));
        assertTrue(document.contains("\"resync\": true"), document);
        assertEquals(resync, StateCodec.decode(document).tables().values().iterator().next());
        assertFalse(StateCodec.encode(richState()).contains("resync"));
        assertProblems(document.replace("\"resync\": true", "\"resync\": \"yes\""),
                "tables[\"shop.t\"].resync: must be true or false (got \"yes\")");
    }

    @Test
    void refusesOtherImpossibleValues()
    {
        String base = StateCodec.encode(richState());
        assertProblems(base.replace("{\"u\": \"18446744073709551615\"}", "{\"u\": \"18446744073709551616\"}"),
                "tables[\"shop.items\"].ranges[1].high[0].u: must be an unsigned 64-bit integer in decimal digits, 0 to 18446744073709551615 (got \"18446744073709551616\")",
                "tables[\"shop.items\"].ranges[2].low[0].u: must be an unsigned 64-bit integer in decimal digits, 0 to 18446744073709551615 (got \"18446744073709551616\")");
        assertProblems(base.replace("\"resume\": {\"file\": \"bin.000003\", \"gtid\": null, \"offset\": 4000}",
                        "\"resume\": {\"file\": \"bin.000004\", \"gtid\": null, \"offset\": 4}"),
                "position.resume: bin.000004:4 must not be after position.event bin.000003:4711 (gtid 0-1-42) (resume is the start of the transaction holding event)");
        assertProblems(base.replace("\"phase\": \"copying\"", "\"phase\": \"copyng\""),
                "phase: must be one of starting, copying, waiting-for-cutover, cutover, done, stopped, failed (got \"copyng\")");
        assertProblems(base.replace("\"low\": [{\"u\": \"1000\"}]", "\"low\": [{\"t\": \"1000\"}]"),
                "tables[\"shop.items\"].ranges[1].low: 1 value (text) does not match tables[\"shop.items\"].ranges[0].high (1 value (integer)): every key of a table has the same columns");
        assertProblems(base.replace("\"low\": [{\"u\": \"1000\"}]", "\"low\": [{\"u\": \"1000\", \"s\": \"1\"}]"),
                "tables[\"shop.items\"].ranges[1].low[0]: must be one typed value: {\"u\": \"<unsigned>\"}, {\"s\": \"<signed>\"}, {\"t\": \"<text>\"} or {\"b\": \"<hex bytes>\"} (got {\"u\":\"1000\",\"s\":\"1\"})");
        assertProblems(base.replace("\"low\": [{\"u\": \"1000\"}]", "\"low\": []"),
                "tables[\"shop.items\"].ranges[1].low: must be null or a non-empty list of typed values such as [{\"u\": \"42\"}, {\"t\": \"abc\"}] (got [])");
        assertProblems(base.replace("\"shop.items\": {\n", "\"shop\": {\n"),
                "tables[\"shop\"]: is not a table name: write database.table, with backquotes around a name that holds a dot");
    }

    @Test
    void leavesTextOrderToTheServersCollation()
    {
        // "a" < "B" under a case-insensitive collation, although 'B' < 'a' by code point
        FerryState state = withTable(new TableCopyState(List.of(
                new RangeState(null, key(t("a")), key(t("A")), true),
                new RangeState(key(t("a")), key(t("B")), key(t("b")), false),
                new RangeState(key(t("B")), null, null, false)), false, 3));
        assertEquals(state, StateCodec.decode(StateCodec.encode(state)));
    }

    @Test
    void refusesToEncodeAStateItCouldNotResumeFrom()
    {
        FerryState state = withTable(new TableCopyState(List.of(new RangeState(key(s(10)), key(s(20)), key(s(30)), false)), false, 1));
        StateException e = assertThrows(StateException.class, () -> StateCodec.encode(state));
        assertEquals("refusing to save a state ferry could not resume from: "
                + "tables[\"shop.t\"].ranges[0].cursor: (30) lies outside its range: it must not be above high (20)", e.getMessage());
    }

    private static void assertMessage(String document, String expected)
    {
        StateException e = assertThrows(StateException.class, () -> StateCodec.decode(document));
        assertEquals(expected, e.getMessage());
    }

    private static void assertProblems(String document, String... expected)
    {
        StateException e = assertThrows(StateException.class, () -> StateCodec.decode(document), document);
        assertEquals(List.of(expected), e.problems(), e.getMessage());
        String header = "the state document has " + expected.length + (expected.length == 1 ? " problem:" : " problems:");
        assertTrue(e.getMessage().startsWith(header), e.getMessage());
        assertTrue(e.getMessage().endsWith("\nferry never writes such a document: it was edited by hand or damaged; fix it, restore it from a backup, "
                + "or move it away (or point state at a new location) to start over"), e.getMessage());
    }

    private static FerryState richState()
    {
        TableName items = new TableName("shop", "items");
        TableName lines = new TableName("shop.eu", "order`lines");
        TableName signed = new TableName("shop", "ledger");
        TableName blobs = new TableName("shop", "blobs");
        return new FerryState(1, "0.1.0", "sha256:cfg", 42, "copying",
                Map.of(items, "sha256:items", lines, "sha256:lines", signed, "sha256:ledger", blobs, "sha256:blobs"),
                Map.of(
                        items, new TableCopyState(List.of(
                                new RangeState(null, key(u(1000)), key(u(900)), false),
                                new RangeState(key(u(1000)), key(UNSIGNED_MAX), key(u(2000)), false),
                                new RangeState(key(UNSIGNED_MAX), null, null, true)), false, 1500),
                        lines, new TableCopyState(List.of(
                                new RangeState(null, null, key(s(-5), t("Zoë \"quoted\"\n\ttab 😀 "), new KeyValue.Bytes(new byte[] {0, (byte) 0xff, (byte) 0x80})), false)),
                                false, 7),
                        signed, new TableCopyState(List.of(
                                new RangeState(null, key(s(0)), key(s(Long.MIN_VALUE)), true),
                                new RangeState(key(s(0)), null, key(s(Long.MAX_VALUE)), true)), true, 2),
                        blobs, new TableCopyState(List.of(), false, 0)),
                new PositionPair(new BinlogPosition("bin.000003", 4711, "0-1-42"), new BinlogPosition("bin.000003", 4000, null)),
                "{\"checked\": 12}",
                Instant.parse("2025-01-15T09:15:00Z"));
    }

    private static FerryState withTable(TableCopyState table)
    {
        return new FerryState(1, "0.1.0", "cfg", 1, "copying", Map.of(), Map.of(new TableName("shop", "t"), table), null, null, Instant.EPOCH);
    }

    private static Key key(KeyValue... values)
    {
        return Key.of(values);
    }

    private static KeyValue u(long value)
    {
        return new KeyValue.UnsignedInt(value);
    }

    private static KeyValue s(long value)
    {
        return new KeyValue.SignedInt(value);
    }

    private static KeyValue t(String value)
    {
        return new KeyValue.Text(value);
    }
}
