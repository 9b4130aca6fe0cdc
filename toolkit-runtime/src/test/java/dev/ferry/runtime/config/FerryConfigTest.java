package dev.ferry.runtime.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.model.TableName;
import dev.ferry.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FerryConfigTest
{
    private static final String MINIMAL = """
            source:
              host: old.example
              user: ferry
            target:
              host: new.example
              user: ferry
            tableFilter:
              type: names
            """;
    private static final String SOURCE_PASSWORD = "S0urce-Pa55word!";
    private static final String TARGET_PASSWORD = "T4rget-Pa55word!";
    private static final String TOKEN = "C0ntrol-T0ken!";
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "FERRY_TARGET_PASSWORD", TARGET_PASSWORD,
            "FERRY_TOKEN", TOKEN);

    @Test
    void defaults()
    {
        FerryConfig config = parse(MINIMAL).finish();

        DatabaseConfig source = config.source();
        assertEquals(new DatabaseConfig("old.example", 3306, "ferry", Optional.empty(), Map.of(), "preferred", Duration.ofSeconds(10),
                Duration.ofMinutes(1)), source);
        assertEquals(new DatabaseConfig("new.example", 3306, "ferry", Optional.empty(), Map.of(), "preferred", Duration.ofSeconds(10),
                Duration.ofMinutes(1)), config.target());
        assertEquals("names", config.tableFilter().type());
        assertEquals("tableFilter", config.tableFilter().path());
        assertEquals(Optional.empty(), config.copyFilter());
        assertEquals(RewritesConfig.none(), config.rewrites());
        assertEquals(new CopyConfig(1000, 4, 250_000, true, List.of(), false, false, CopyConfig.LockStrategy.SOURCE_DB, List.of(), Map.of(),
                null, 5, 5, Duration.ofMillis(500), false, false, CopyConfig.WriteMethod.AUTO), config.copy());
        assertEquals(new ReplicationConfig(4000, ReplicationConfig.defaultParallelism(), 0, 5, 5, Duration.ofSeconds(1), Duration.ofSeconds(5), false, false, null, Duration.ofSeconds(1),
                true, "fail"), config.replication());
        assertEquals("none", config.verifier().type());
        assertTrue(config.watchTargetWrites());
        assertEquals(List.of(), config.copyThrottlers());
        assertEquals(List.of(), config.replicationThrottlers());
        assertEquals(Optional.empty(), config.state());
        assertEquals(new CutoverConfig(false, false, null, null, Duration.ofMinutes(5)), config.cutover());
        assertEquals(new ControlConfig(true, "127.0.0.1", 8000, Optional.empty(), Duration.ofMinutes(5)), config.control());
        assertEquals(new ProgressConfig(null, Duration.ofSeconds(10), null, null, false), config.progress());
        assertEquals(16, config.fingerprint().length());
    }

    /**
     * The shipped example says its values are the defaults unless a comment says otherwise; it
     * must agree with the code.
     */
    @Test
    void exampleConfigShowsTheDefaults()
            throws Exception
    {
        Path example = Path.of("../distribution/src/dist/examples/copydb.yaml");
        ConfigLoader.Loaded loaded = ConfigLoader.parse(example, Files.readString(example),
                Map.of("FERRY_SOURCE_PASSWORD", "x", "FERRY_TARGET_PASSWORD", "y")::get);
        assertEquals(List.of(), loaded.problems());
        FerryConfig defaults = parse(MINIMAL).finish();
        FerryConfig config = loaded.config();
        assertEquals(defaults.copy(), config.copy());
        assertEquals(defaults.replication(), config.replication());
        assertEquals(defaults.cutover(), config.cutover());
        assertEquals(defaults.control(), config.control());
        assertEquals(defaults.progress(), config.progress());
        assertEquals(defaults.watchTargetWrites(), config.watchTargetWrites());
        assertEquals(defaults.source().port(), config.source().port());
        assertEquals(defaults.source().tlsMode(), config.source().tlsMode());
        assertEquals(defaults.source().connectTimeout(), config.source().connectTimeout());
        assertEquals(defaults.target().tlsMode(), config.target().tlsMode());
    }

    @Test
    void explicitMapping()
    {
        ConfigLoader.Loaded loaded = parse("""
                source:
                  host: 10.0.0.1
                  port: 3307
                  user: mover
                  password: %s
                  params: {socketTimeout: "60000"}
                  connectTimeout: 3s
                  startupWait: 5m
                  tls:
                    mode: verify-identity
                target:
                  host: 10.0.0.2
                  port: 3308
                  user: writer
                  passwordEnv: FERRY_TARGET_PASSWORD
                  tls: {mode: disabled}
                tableFilter:
                  type: names
                copyFilter:
                  type: tenant
                rewrites:
                  databases: {shop: shop_new}
                  tables: {shop.orders: orders_v2}
                copy:
                  batchSize: 250
                  concurrency: 8
                  rangeSize: 5000
                  createTargetTables: false
                  tableCreationOrder: [shop.users, "`shop`.`orders`"]
                  disableForeignKeyChecks: true
                  descending: true
                  lockStrategy: in-ferry
                  fullCopyTables: [shop.settings]
                  paginationColumns: {shop.events: "created_at, id", shop.log: seq}
                  fallbackColumn: uid
                  readRetries: 7
                  writeRetries: 0
                  retryBackoff: 2s
                  delayUntilReplicationStops: true
                  failOnFirstTableCopyError: true
                  writeMethod: insert
                  adaptive: false
                  targetBatchTime: 100ms
                  maxBatchSize: 2000
                  maxBatchBytes: 1048576
                replication:
                  batchSize: 100
                  parallelism: 3
                  serverId: 4294967295
                  readRetries: 1
                  writeRetries: 2
                  retryBackoff: 250ms
                  heartbeat: 1m
                  skipRowImageCheck: true
                  allowReplicaSource: true
                  replicaLagQuery: SELECT 1
                  maxReplicaLag: 2h
                  replicateSchemaChanges: false
                  ddl: {onUnparseable: skip}
                verifier:
                  type: checksum-table
                  watchTargetWrites: false
                throttlers:
                  copy:
                    - type: quiet-hours
                    - type: lag
                  replication: {type: lag}
                state:
                  type: file
                cutover:
                  automatic: true
                  catchUpTimeout: 1d
                  hooks:
                    before: {url: "https://hooks.example/before", timeout: 5s, headers: {X-Team: shop}}
                    after: {url: "http://hooks.example/after"}
                control:
                  enabled: false
                  bind: "0.0.0.0:0"
                  tokenEnv: FERRY_TOKEN
                  maxStateAge: 30s
                progress:
                  interval: 1s
                  jsonLogs: true
                  payload: {migration: shop-move, attempt: 2}
                  callback: {url: "https://monitoring.example/progress"}
                  errorCallback: {url: "https://monitoring.example/errors", timeout: 1s}
                """.formatted(SOURCE_PASSWORD));
        assertEquals(List.of(), loaded.problems());
        FerryConfig config = loaded.config();

        assertEquals(new DatabaseConfig("10.0.0.1", 3307, "mover", Optional.of(SOURCE_PASSWORD), Map.of("socketTimeout", "60000"), "verify-identity",
                Duration.ofSeconds(3), Duration.ofMinutes(5)), config.source());
        assertEquals(new DatabaseConfig("10.0.0.2", 3308, "writer", Optional.of(TARGET_PASSWORD), Map.of(), "disabled", Duration.ofSeconds(10),
                Duration.ofMinutes(1)), config.target());
        assertEquals("tenant", config.copyFilter().orElseThrow().type());
        assertEquals(new RewritesConfig(Map.of("shop", "shop_new"), Map.of(TableName.parse("shop.orders"), "orders_v2")), config.rewrites());
        assertEquals(new TableName("shop_new", "orders_v2"), config.rewrites().apply(TableName.parse("shop.orders")));
        assertEquals(new TableName("shop_new", "users"), config.rewrites().apply(TableName.parse("shop.users")));
        assertEquals(new TableName("other", "orders"), config.rewrites().apply(TableName.parse("other.orders")));
        assertEquals(TableName.parse("shop.orders"), config.rewrites().reverse(new TableName("shop_new", "orders_v2")));
        assertEquals(TableName.parse("shop.users"), config.rewrites().reverse(new TableName("shop_new", "users")));
        assertEquals(TableName.parse("other.orders"), config.rewrites().reverse(TableName.parse("other.orders")));
        assertEquals(new CopyConfig(250, 8, 5000, false,
                List.of(TableName.parse("shop.users"), TableName.parse("shop.orders")),
                true, true, CopyConfig.LockStrategy.IN_FERRY,
                List.of(TableName.parse("shop.settings")),
                Map.of(TableName.parse("shop.events"), List.of("created_at", "id"), TableName.parse("shop.log"), List.of("seq")),
                "uid", 7, 0, Duration.ofSeconds(2), true, true, CopyConfig.WriteMethod.INSERT,
                new CopyConfig.Adaptive(false, Duration.ofMillis(100), 2000, 1L << 20)), config.copy());
        assertEquals(new ReplicationConfig(100, 3, 4_294_967_295L, 1, 2, Duration.ofMillis(250), Duration.ofMinutes(1), true, true, "SELECT 1",
                Duration.ofHours(2), false, "skip"), config.replication());
        assertEquals("checksum-table", config.verifier().type());
        assertFalse(config.watchTargetWrites());
        assertEquals(List.of("quiet-hours", "lag"), config.copyThrottlers().stream().map(PluginSection::type).toList());
        assertEquals("throttlers.copy[1]", config.copyThrottlers().get(1).path());
        assertEquals(List.of("lag"), config.replicationThrottlers().stream().map(PluginSection::type).toList());
        assertEquals("file", config.state().orElseThrow().type());
        assertEquals(new CutoverConfig(true, false,
                new HttpHookConfig(URI.create("https://hooks.example/before"), Duration.ofSeconds(5), Map.of("X-Team", "shop")),
                new HttpHookConfig(URI.create("http://hooks.example/after"), Duration.ofSeconds(30), Map.of()),
                Duration.ofDays(1)), config.cutover());
        assertEquals(new ControlConfig(false, "0.0.0.0", 0, Optional.of(TOKEN), Duration.ofSeconds(30)), config.control());
        assertEquals(new ProgressConfig(
                new HttpHookConfig(URI.create("https://monitoring.example/progress"), Duration.ofSeconds(30), Map.of()),
                Duration.ofSeconds(1),
                new ObjectMapper().createObjectNode().put("migration", "shop-move").put("attempt", 2),
                new HttpHookConfig(URI.create("https://monitoring.example/errors"), Duration.ofSeconds(1), Map.of()),
                true), config.progress());
    }

    @Test
    void jsonBindsLikeYaml()
    {
        ConfigLoader.Loaded loaded = ConfigLoader.parse(Path.of("ferry.json"), """
                {
                  // comments are allowed
                  "source": {"host": "old.example", "user": "ferry"},
                  "target": {"host": "new.example", "user": "ferry"},
                  "tableFilter": {"type": "names"},
                  "copy": {"batchSize": 10, "cutover": 1}
                }
                """, ENVIRONMENT::get);
        assertEquals(10, loaded.config().copy().batchSize());
        ConfigException e = assertThrows(ConfigException.class, loaded::finish);
        assertEquals(List.of("copy.cutover"), e.problems().stream().map(ConfigProblem::path).toList());
    }

    @Test
    void schemaObjectsDefaultToAWholeDatabaseMoveAndBindExplicitly()
    {
        assertEquals(SchemaObjectsConfig.defaults(), parse(MINIMAL).finish().schemaObjects());
        assertEquals(new SchemaObjectsConfig(false, true, false, true, SchemaObjectsConfig.Definer.TARGET_USER), parse(MINIMAL + """
                schemaObjects:
                  views: false
                  routines: false
                  definer: target-user
                """).finish().schemaObjects());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL + """
                schemaObjects:
                  definer: nobody
                  trigers: false
                """).finish());
        assertEquals(List.of("schemaObjects.definer", "schemaObjects.trigers"), e.problems().stream().map(ConfigProblem::path).sorted().toList());
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                source:
                  host: ""
                  port: 70000
                  user: ferry
                  password: %s
                  passwordEnv: FERRY_TARGET_PASSWORD
                  tls: {mode: sometimes}
                target:
                  host: new.example
                  user: ferry
                  passwordEnv: NOT_SET_ANYWHERE
                copy:
                  batchSize: 0
                  concurrency: many
                  rangeSize: 999
                  lockStrategy: table
                  retryBackoff: soon
                  writeMethod: bulk
                  fullCopyTables: [shop.t, nodot]
                  paginationColumns: {shop.t: id, nodot: id, shop.u: " , "}
                cutover:
                  automatic: true
                  disabled: true
                control:
                  bind: localhost
                rewrites:
                  databases: {a: same, b: same}
                """.formatted(SOURCE_PASSWORD)).finish());
        List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(List.of(
                "source.host: is required",
                "source.port: must be between 1 and 65535 (got 70000)",
                "source.passwordEnv: set either password or passwordEnv, not both",
                "source.tls.mode: must be one of disabled, preferred, required, verify-ca, verify-identity (got \"sometimes\")",
                "target.passwordEnv: environment variable NOT_SET_ANYWHERE is not set",
                "tableFilter: is required",
                "tableFilter.type: is required",
                "rewrites.databases: databases a and b both map to same",
                "copy.batchSize: must be between 1 and 100000 (got 0)",
                "copy.concurrency: must be a whole number between 1 and 256 (got \"many\")",
                "copy.rangeSize: must be between 1000 and 9223372036854775807 (got 999)",
                "copy.lockStrategy: must be one of source-db, in-ferry, none (got \"table\")",
                "copy.fullCopyTables: \"nodot\" must be database.table",
                "copy.paginationColumns: key \"nodot\" must be database.table",
                "copy.paginationColumns.shop.u: must name at least one column",
                "copy.retryBackoff: must be a duration such as 500ms, 30s, 5m, 2h or 1d (got \"soon\")",
                "copy.writeMethod: must be one of auto, load-data, insert (got \"bulk\")",
                "copy.fullCopyTables: shop.t is also listed in copy.paginationColumns; choose one",
                "cutover.disabled: cannot be true together with cutover.automatic",
                "control.bind: must be host:port, e.g. 127.0.0.1:8000 (got \"localhost\")"),
                problems);
        assertTrue(e.getMessage().startsWith("ferry.yaml has 20 problems:\n  - source.host: is required\n"), e.getMessage());
    }

    @Test
    void unknownKeysAreProblemsNamingTheKnownOnes()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL + """
                sorce: {host: x}
                copy:
                  batchsize: 10
                source2: 1
                replication:
                  ddl: {onUnparsable: skip}
                """).finish());
        List<String> paths = e.problems().stream().map(ConfigProblem::path).toList();
        assertEquals(List.of("sorce", "source2", "copy.batchsize", "replication.ddl.onUnparsable"), paths);
        ConfigProblem batch = e.problems().get(2);
        assertTrue(batch.message().startsWith("unknown key; known keys here: adaptive, batchSize, concurrency, createTargetTables, "), batch.message());
        assertTrue(e.problems().get(3).message().equals("unknown key; known keys here: onUnparseable"), e.problems().get(3).message());
        assertTrue(e.problems().get(0).message().contains("source"), e.problems().get(0).message());
    }

    @Test
    void unknownKeysInsideTlsAndHooksAreReported()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL.replace("  user: ferry\ntarget:", "  user: ferry\n  tls: {mdoe: disabled}\ntarget:") + """
                cutover:
                  hooks:
                    before: {url: "https://x.example", tmeout: 5s}
                """).finish());
        assertEquals(List.of("source.tls.mdoe", "cutover.hooks.before.tmeout"), e.problems().stream().map(ConfigProblem::path).toList());
    }

    @Test
    void notAConfig()
    {
        assertEquals("the config is empty", assertThrows(ConfigException.class, () -> parse("").finish()).problems().get(0).message());
        assertEquals("the config must be an object with keys such as source, target, tableFilter (got array)",
                assertThrows(ConfigException.class, () -> parse("- a\n- b\n").finish()).problems().get(0).message());
        ConfigException wrongName = assertThrows(ConfigException.class, () -> ConfigLoader.parse(Path.of("ferry.toml"), "", ENVIRONMENT::get));
        assertEquals("ferry.toml has 1 problem:\n  - unknown file type: name the file *.json, *.yaml or *.yml", wrongName.getMessage());
        ConfigException duplicate = assertThrows(ConfigException.class, () -> parse(MINIMAL + "copy: {}\ncopy: {}\n"));
        assertTrue(duplicate.getMessage().contains("not valid YAML"), duplicate.getMessage());
    }

    @Test
    void passwordsNeverAppearInProblemsOrToString()
    {
        String keyStorePassword = "K3ystore-Pa55word!";
        ConfigLoader.Loaded loaded = parse("""
                source:
                  host: old.example
                  user: ferry
                  password: %s
                  params: {trustCertificateKeyStorePassword: "%s", useCompression: "true"}
                target:
                  host: new.example
                  user: ferry
                  passwordEnv: FERRY_TARGET_PASSWORD
                tableFilter:
                  type: names
                control:
                  tokenEnv: FERRY_TOKEN
                copy:
                  batchSize: -1
                """.formatted(SOURCE_PASSWORD, keyStorePassword));
        ConfigException e = assertThrows(ConfigException.class, loaded::finish);
        assertEquals(1, e.problems().size(), e.getMessage());
        List<String> texts = List.of(e.getMessage(), e.problems().toString(), loaded.config().toString(), loaded.config().source().toString(),
                loaded.config().target().toString(), loaded.config().control().toString(), loaded.toString());
        for (String text : texts) {
            for (String secret : List.of(SOURCE_PASSWORD, TARGET_PASSWORD, TOKEN, keyStorePassword)) {
                assertFalse(text.contains(secret), "a secret shows in: " + text);
            }
        }
        assertTrue(loaded.config().source().toString().contains("password=****"), loaded.config().source().toString());
        assertTrue(loaded.config().source().toString().contains("useCompression=true"), loaded.config().source().toString());
        assertTrue(loaded.config().control().toString().contains("token=****"), loaded.config().control().toString());
        assertEquals(SOURCE_PASSWORD, loaded.config().source().password().orElseThrow());
    }

    @Test
    void passwordsOfTheWrongShapeAreNotEchoed()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                source:
                  host: old.example
                  user: ferry
                  password: [%s]
                  params: {password: "%s"}
                target:
                  host: new.example
                  user: ferry
                  password: 12345678987654321
                tableFilter:
                  type: names
                control:
                  token: {value: %s}
                """.formatted(SOURCE_PASSWORD, TARGET_PASSWORD, TOKEN)).finish());
        assertEquals(List.of(
                "source.password: must be a string",
                "source.params.password: set password in its own key, not in params",
                "target.password: must be a string",
                "control.token: must be a string"), e.problems().stream().map(ConfigProblem::toString).toList());
        for (String secret : List.of(SOURCE_PASSWORD, TARGET_PASSWORD, TOKEN, "12345678987654321")) {
            assertFalse(e.getMessage().contains(secret), "a secret shows in: " + e.getMessage());
        }
    }

    @Test
    void syntaxErrorsDoNotQuoteThePassword()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                source:
                  host: old.example
                  user: ferry
                  password: "%s
                target: {host: new.example, user: ferry}
                """.formatted(SOURCE_PASSWORD)));
        assertEquals("ferry.yaml has 1 problem:\n  - not valid YAML at line 4, column 11: while scanning a quoted scalar (line 4, column 13) "
                + "found unexpected end of stream (line 6, column 1)", e.getMessage());
        ConfigException json = assertThrows(ConfigException.class, () -> ConfigLoader.parse(Path.of("ferry.json"),
                "{\"source\": {\"password\": %s}}".formatted(SOURCE_PASSWORD), ENVIRONMENT::get));
        assertFalse(json.getMessage().contains(SOURCE_PASSWORD.substring(0, 6)), json.getMessage());
        assertTrue(json.getMessage().contains("not valid JSON at line 1, column "), json.getMessage());
    }

    @Test
    void sameServerNeedsDatabaseRewrites()
    {
        String sameServer = MINIMAL.replace("new.example", "old.example");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(sameServer).finish());
        assertEquals("target: is the same server as source (old.example:3306) without rewrites.databases: ferry would copy every table onto itself",
                e.problems().get(0).toString());
        assertEquals("old_copy", parse(sameServer + "rewrites: {databases: {old: old_copy}}").finish().rewrites().applyDatabase("old"));
    }

    @Test
    void durationsAndTokensOutsideWhatCanWorkAreProblems()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL + """
                state:
                  type: file
                  checkpointInterval: 0s
                cutover:
                  catchUpTimeout: 99999999999d
                control:
                  token: ""
                  maxStateAge: 500ms
                copy:
                  retryBackoff: 4000d
                """).finish());
        assertEquals(List.of(
                "copy.retryBackoff: must be at most 3650d (got \"4000d\")",
                "state.checkpointInterval: must be between 100ms and 1d (got \"0s\")",
                "cutover.catchUpTimeout: must be at most 3650d (got \"99999999999d\")",
                "control.token: is empty: an empty token would let anyone control the run; set a secret, or remove control.token to run "
                        + "without one",
                "control.maxStateAge: must be between 1s and 1d (got \"500ms\")"),
                e.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void anEmptyTokenFromTheEnvironmentIsAProblem()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(Path.of("ferry.yaml"), MINIMAL + """
                control:
                  tokenEnv: FERRY_TOKEN
                """, Map.of("FERRY_TOKEN", " ", "FERRY_TARGET_PASSWORD", TARGET_PASSWORD)::get).finish());
        assertEquals(List.of("control.tokenEnv: environment variable FERRY_TOKEN is empty: an empty token would let anyone control the run; "
                + "set it to a secret, or remove control.tokenEnv to run without one"), e.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void fingerprintFollowsWhatIsCopiedWhereNotHowOrPasswords()
    {
        String base = parse(MINIMAL).finish().fingerprint();
        assertEquals(base, parse(MINIMAL + "copy: {batchSize: 10}\n").finish().fingerprint());
        assertEquals(base, parse(MINIMAL.replace("  user: ferry\ntarget:", "  user: ferry\n  password: other\ntarget:")).finish().fingerprint());
        assertFalse(base.equals(parse(MINIMAL + "rewrites: {databases: {a: b}}\n").finish().fingerprint()));
        assertFalse(base.equals(parse(MINIMAL.replace("new.example", "newer.example")).finish().fingerprint()));
    }

    private static ConfigLoader.Loaded parse(String yaml)
    {
        return ConfigLoader.parse(Path.of("ferry.yaml"), yaml, ENVIRONMENT::get);
    }
}
