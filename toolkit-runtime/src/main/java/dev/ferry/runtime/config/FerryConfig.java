package dev.ferry.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.config.ConfigTree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The whole config file, bound and validated. Plugin sections stay as {@link PluginSection}s
 * until the plugins bind them. Frozen once built.
 *
 * @param watchTargetWrites {@code verifier.watchTargetWrites}: watch the target's binlog for
 *        writes to the moved tables by anything other than this run, and refuse the cutover when
 *        there are any
 */
public record FerryConfig(
        DatabaseConfig source,
        DatabaseConfig target,
        PluginSection tableFilter,
        Optional<PluginSection> copyFilter,
        RewritesConfig rewrites,
        CopyConfig copy,
        ReplicationConfig replication,
        PluginSection verifier,
        boolean watchTargetWrites,
        List<PluginSection> copyThrottlers,
        List<PluginSection> replicationThrottlers,
        Optional<PluginSection> state,
        Duration checkpointInterval,
        CutoverConfig cutover,
        ControlConfig control,
        ProgressConfig progress,
        SchemaObjectsConfig schemaObjects,
        String fingerprint)
{
    public FerryConfig
    {
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        requireNonNull(tableFilter, "tableFilter is null");
        requireNonNull(copyFilter, "copyFilter is null");
        requireNonNull(rewrites, "rewrites is null");
        requireNonNull(copy, "copy is null");
        requireNonNull(replication, "replication is null");
        requireNonNull(verifier, "verifier is null");
        copyThrottlers = List.copyOf(requireNonNull(copyThrottlers, "copyThrottlers is null"));
        replicationThrottlers = List.copyOf(requireNonNull(replicationThrottlers, "replicationThrottlers is null"));
        requireNonNull(state, "state is null");
        requireNonNull(checkpointInterval, "checkpointInterval is null");
        requireNonNull(cutover, "cutover is null");
        requireNonNull(control, "control is null");
        requireNonNull(progress, "progress is null");
        requireNonNull(schemaObjects, "schemaObjects is null");
        requireNonNull(fingerprint, "fingerprint is null");
    }

    /**
     * Binds the top-level sections of {@code root}. Problems are added to {@code root}'s list;
     * unknown top-level and core keys are reported here, plugin sections' unknown keys only once
     * their plugins have read them.
     */
    public static FerryConfig bind(ConfigTree root, Function<String, String> environment)
    {
        DatabaseConfig source = DatabaseConfig.bind(required(root, "source"), environment);
        DatabaseConfig target = DatabaseConfig.bind(required(root, "target"), environment);
        PluginSection tableFilter = PluginSection.bind(required(root, "tableFilter"));
        Optional<PluginSection> copyFilter = optionalPlugin(root, "copyFilter");
        RewritesConfig rewrites = RewritesConfig.bind(root.section("rewrites"));
        CopyConfig copy = CopyConfig.bind(root.section("copy"));
        ReplicationConfig replication = ReplicationConfig.bind(root.section("replication"));
        PluginSection verifier = root.has("verifier")
                ? PluginSection.bind(root.section("verifier"))
                : new PluginSection("verifier", "none", root.section("verifier"));
        // read by the runtime from the verifier section, whatever the verifier; the rest is the plugin's
        boolean watchTargetWrites = verifier.config().bool("watchTargetWrites", true);
        ConfigTree throttlers = root.section("throttlers");
        List<PluginSection> copyThrottlers = pluginList(throttlers, "copy");
        List<PluginSection> replicationThrottlers = pluginList(throttlers, "replication");
        Optional<PluginSection> state = optionalPlugin(root, "state");
        // read by the runtime from the state section; the rest of the section is the store's
        Duration checkpointInterval = state.isPresent()
                ? state.get().config().duration("checkpointInterval", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofDays(1))
                : Duration.ofSeconds(10);
        CutoverConfig cutover = CutoverConfig.bind(root.section("cutover"));
        ControlConfig control = ControlConfig.bind(root.section("control"), environment);
        ProgressConfig progress = ProgressConfig.bind(root.section("progress"));
        SchemaObjectsConfig schemaObjects = SchemaObjectsConfig.bind(root.section("schemaObjects"));
        if (source.host().equals(target.host()) && source.port() == target.port() && rewrites.databases().isEmpty()) {
            root.problem("target", "is the same server as source (" + source.host() + ":" + source.port()
                    + ") without rewrites.databases: ferry would copy every table onto itself");
        }
        return new FerryConfig(source, target, tableFilter, copyFilter, rewrites, copy, replication, verifier, watchTargetWrites, copyThrottlers,
                replicationThrottlers, state, checkpointInterval, cutover, control, progress, schemaObjects, "");
    }

    /**
     * A copy carrying the fingerprint of the parts of {@code document} that decide what is
     * copied where: servers, filters and rewrites. Passwords are not part of it.
     */
    public FerryConfig withFingerprint(JsonNode document)
    {
        ObjectNode identity = new ObjectMapper().createObjectNode();
        identity.put("source", source.host() + ":" + source.port());
        identity.put("target", target.host() + ":" + target.port());
        for (String key : List.of("tableFilter", "copyFilter", "rewrites")) {
            if (document != null && document.has(key)) {
                identity.set(key, document.get(key));
            }
        }
        String digest;
        try {
            byte[] canonical = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsString(new ObjectMapper().treeToValue(identity, java.util.TreeMap.class))
                    .getBytes(StandardCharsets.UTF_8);
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)).substring(0, 16);
        }
        catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new FerryConfig(source, target, tableFilter, copyFilter, rewrites, copy, replication, verifier, watchTargetWrites, copyThrottlers,
                replicationThrottlers, state, checkpointInterval, cutover, control, progress, schemaObjects, digest);
    }

    /**
     * The run id: {@code replication.serverId} when set, else derived from the fingerprint, so a
     * resume of the same config gets the same id (the target-db state store keys its row by it).
     */
    public long runId()
    {
        if (replication.serverId() != 0) {
            return replication.serverId();
        }
        long hash = 1125899906842597L;
        for (int i = 0; i < fingerprint.length(); i++) {
            hash = 31 * hash + fingerprint.charAt(i);
        }
        return 1_000_000_000L + Math.floorMod(hash, 1_000_000_000L);
    }

    private static ConfigTree required(ConfigTree root, String key)
    {
        if (!root.has(key)) {
            root.problem(key, "is required");
        }
        return root.section(key);
    }

    private static Optional<PluginSection> optionalPlugin(ConfigTree root, String key)
    {
        if (!root.has(key)) {
            root.section(key);
            return Optional.empty();
        }
        return Optional.of(PluginSection.bind(root.section(key)));
    }

    private static List<PluginSection> pluginList(ConfigTree parent, String key)
    {
        return parent.sectionList(key).stream().map(section -> PluginSection.bind((ConfigTree) section)).toList();
    }
}
