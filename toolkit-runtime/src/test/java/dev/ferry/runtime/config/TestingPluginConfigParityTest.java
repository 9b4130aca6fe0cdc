package dev.ferry.runtime.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.PluginConfig;
import dev.ferry.testing.spi.TestingPluginConfig;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The SPI test kit's {@link TestingPluginConfig} binds a section exactly as {@link ConfigTree}
 * does: same values, same problems, same unknown-key report. Plugin tests rely on it to show
 * what users would see.
 */
class TestingPluginConfigParityTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void goodValuesBindAlike()
    {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", "orders");
        values.put("number", 7);
        values.put("flag", true);
        values.put("size", 42);
        values.put("big", 9_000_000_000L);
        values.put("on", false);
        values.put("wait", "250ms");
        values.put("days", " 2d ");
        values.put("mode", "fast");
        values.put("one", "db1");
        values.put("many", List.of("a", 7, "c"));
        values.put("rewrites", map("a", "b", "c", "d"));
        values.put("nested", map("x", 1, "y", map("z", "deep")));
        values.put("tables", map("shop.orders", map("batch", 5), "shop.items", map()));
        values.put("list", List.of(map("type", "lag"), map("type", "pauser", "paused", true)));
        values.put("single", map("type", "lag"));
        values.put("password", "s3cret");
        values.put("empty", null);
        assertParity(values);
    }

    @Test
    void badValuesReportAlike()
    {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", List.of(1, 2));
        values.put("number", "seven");
        values.put("flag", "yes");
        values.put("size", 0);
        values.put("big", new BigInteger("18446744073709551615"));
        values.put("on", 1);
        values.put("wait", 5);
        values.put("days", "5 minutes");
        values.put("mode", "slow");
        values.put("one", map("a", 1));
        values.put("many", List.of("a", map("b", 2), true, List.of()));
        values.put("rewrites", map("a", 1, "c", "d", "e", null));
        values.put("nested", "flat");
        values.put("tables", List.of("x"));
        values.put("list", List.of(map("type", "lag"), "pauser", 3));
        values.put("single", 4);
        values.put("password", 1234);
        values.put("required", "  ");
        values.put("requiredSection", map("k", "v"));
        values.put("decimal", 1.5);
        values.put("long", "x".repeat(200));
        values.put("unread", map("deep", List.of(1, "two", map("three", 3))));
        values.put("typo", 1);
        assertParity(values);
    }

    @Test
    void absentKeysAndUnknownNestedKeysReportAlike()
    {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("nested", map("x", 1, "stray", 2, "y", map("z", "deep", "extra", true)));
        values.put("tables", map("shop.orders", map("batch", 5, "bacth", 6), "shop.items", "not a section"));
        values.put("list", List.of(map("type", "lag", "qeury", "SELECT 1")));
        assertParity(values);
        assertParity(new LinkedHashMap<>());
    }

    private static void assertParity(Map<String, Object> values)
    {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigTree root = ConfigTree.root(JSON.valueToTree(Map.of("throttlers", Map.of("copy", List.of(values)))), problems);
        ConfigTree runtime = (ConfigTree) root.section("throttlers").sectionList("copy").get(0);
        TestingPluginConfig kit = TestingPluginConfig.of("throttlers.copy[0]", values);

        assertEquals(bind(runtime), bind(kit), "bound values");
        root.reportUnknownKeys();
        assertEquals(problems.stream().map(ConfigProblem::toString).toList(), kit.problems(), "problems");
    }

    /**
     * Every accessor on every key, and what each returned.
     */
    private static List<String> bind(PluginConfig config)
    {
        List<String> out = new ArrayList<>();
        out.add("path " + config.path());
        out.add("keys " + config.keys());
        out.add("has " + config.has("empty") + config.has("absent"));
        out.add("string " + config.string("name", "default") + " " + config.string("number", "d") + " " + config.string("flag", "d")
                + " " + config.string("decimal", "d") + " " + config.string("absent", "d") + " " + config.string("empty", "d") + " " + config.string("long", "d"));
        out.add("required " + config.requiredString("name") + "|" + config.requiredString("required") + "|" + config.requiredString("requiredSection")
                + "|" + config.requiredString("absentRequired"));
        out.add("secret " + config.secret("password").isPresent() + config.secret("absentSecret").isPresent());
        out.add("integer " + config.integer("size", 10, 1, 100) + " " + config.integer("number", 3, 0, 10) + " " + config.integer("absentInt", 9, 0, 10));
        out.add("long " + config.longValue("big", -1, Long.MIN_VALUE, Long.MAX_VALUE) + " " + config.longValue("decimal", -2, 0, 10));
        out.add("bool " + config.bool("on", true) + config.bool("flag", false) + config.bool("absentBool", true));
        out.add("duration " + config.duration("wait", Duration.ofSeconds(1)) + " " + config.duration("days", Duration.ZERO) + " " + config.duration("absentDuration", Duration.ofMinutes(1)));
        out.add("oneOf " + config.oneOf("mode", "fast", List.of("fast", "safe")) + " " + config.oneOf("absentMode", "bad", List.of("fast")));
        out.add("stringList " + config.stringList("many") + config.stringList("one") + config.stringList("rewrites") + config.stringList("absentList"));
        out.add("stringMap " + config.stringMap("rewrites") + config.stringMap("many") + config.stringMap("absentMap"));
        PluginConfig nested = config.section("nested");
        out.add("section " + nested.path() + " " + nested.keys() + " " + nested.integer("x", 0, 0, 9) + " " + nested.section("y").string("z", "none"));
        out.add("absent section " + config.section("absentSection").keys());
        Map<String, PluginConfig> tables = config.sections("tables");
        out.add("sections " + tables.keySet());
        tables.forEach((name, table) -> out.add("  " + table.path() + " " + table.integer("batch", 1, 1, 10)));
        out.add("sections absent " + config.sections("absentSections") + config.sections("name").keySet());
        List<PluginConfig> list = config.sectionList("list");
        for (PluginConfig element : list) {
            out.add("  " + element.path() + " " + element.string("type", "?") + " " + element.bool("paused", false));
        }
        out.add("sectionList single " + config.sectionList("single").size() + " absent " + config.sectionList("absentSectionList").size());
        config.problem("custom", "is custom");
        config.problem(null, "is wrong as a whole");
        out.add("problems so far recorded");
        return out;
    }

    private static Map<String, Object> map(Object... keysAndValues)
    {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
