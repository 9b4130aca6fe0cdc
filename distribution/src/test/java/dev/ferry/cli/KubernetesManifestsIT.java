package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests shipped in deploy/kubernetes: valid against the Kubernetes API schemas
 * (node and the npm package kubernetes-models, installed from the lock file into target/), and the
 * ferry configs they carry pass {@code ferry validate}, for the Indexed Job once per index as its
 * init container renders them.
 */
class KubernetesManifestsIT
{
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DIST = Path.of(System.getProperty("ferry.dist.dir"));
    private static final Path MANIFESTS = DIST.resolve("deploy/kubernetes");
    private static final Path VALIDATOR = Path.of(System.getProperty("ferry.kubernetes.validator.work"));

    @BeforeAll
    static void installValidator()
            throws IOException, InterruptedException
    {
        Path source = Path.of(System.getProperty("ferry.kubernetes.validator"));
        Files.createDirectories(VALIDATOR);
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(source.resolve(file), VALIDATOR.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
            Run install = run(VALIDATOR, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
            assertEquals(0, install.exitCode(), "npm ci (needs node and npm, e.g. Debian's nodejs and npm):\n" + install.output());
        }
    }

    @Test
    void manifestsMatchTheKubernetesSchemas()
            throws IOException, InterruptedException
    {
        Run run = validate(MANIFESTS.resolve("ferry-job.yaml"), MANIFESTS.resolve("ferry-tenants-indexed-job.yaml"));
        assertEquals(0, run.exitCode(), run.output());
        for (String object : List.of("ConfigMap/ferry-shop-move", "Secret/ferry-shop-move", "Job/ferry-shop-move", "ConfigMap/ferry-tenants", "Job/ferry-tenants")) {
            assertTrue(run.output().contains(" " + object + "\n"), object + " not validated:\n" + run.output());
        }
    }

    @Test
    void validatorRejectsWhatKubernetesRejects(@TempDir Path dir)
            throws IOException, InterruptedException
    {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: broken}
                spec:
                  backoffLimit: six
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: ferry
                          ports: [{containerPort: "8000"}]
                ---
                apiVersion: batch/v1
                kind: Jbo
                metadata: {name: typo}
                """);
        Run run = validate(broken);
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("data/spec/backoffLimit must be integer"), run.output());
        assertTrue(run.output().contains("containerPort must be integer"), run.output());
        assertTrue(run.output().contains("no schema for apiVersion batch/v1 kind Jbo"), run.output());
    }

    @Test
    void jobRunsTheRestartableCommandLineOnItsConfigMap(@TempDir Path dir)
            throws IOException, InterruptedException
    {
        List<JsonNode> objects = read(MANIFESTS.resolve("ferry-job.yaml"));
        JsonNode job = find(objects, "Job", "ferry-shop-move");
        JsonNode container = job.at("/spec/template/spec/containers/0");
        assertEquals(List.of("copydb", "--config", "/etc/ferry/ferry.yaml", "--resume=auto"), strings(container.get("args")));
        assertEquals("/etc/ferry", container.at("/volumeMounts/0/mountPath").asText());
        assertEquals("/api/health", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/api/health", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("true", job.at("/spec/template/metadata/annotations").get("prometheus.io/scrape").asText());
        assertTrue(job.at("/spec/template/spec/volumes").findValues("persistentVolumeClaim").isEmpty(), "the state is in the target: no volume claim");

        JsonNode config = find(objects, "ConfigMap", "ferry-shop-move").at("/data/ferry.yaml");
        Path file = dir.resolve("ferry.yaml");
        Files.writeString(file, config.asText());
        JsonNode parsed = YAML.readTree(config.asText());
        assertEquals("target-db", parsed.at("/state/type").asText());
        assertEquals("0.0.0.0:8000", parsed.at("/control/bind").asText());

        Run validate = ferryValidate(file);
        assertEquals(0, validate.exitCode(), validate.output());
        assertTrue(validate.output().startsWith("config OK"), validate.output());
    }

    @Test
    void indexedJobRendersAValidConfigForEveryTenant(@TempDir Path dir)
            throws IOException, InterruptedException
    {
        List<JsonNode> objects = read(MANIFESTS.resolve("ferry-tenants-indexed-job.yaml"));
        JsonNode data = find(objects, "ConfigMap", "ferry-tenants").get("data");
        Path templates = Files.createDirectories(dir.resolve("templates"));
        for (String key : List.of("tenants", "render.sh", "ferry-template.yaml")) {
            assertNotNull(data.get(key), key);
            Files.writeString(templates.resolve(key), data.get(key).asText());
        }
        List<String> tenants = data.get("tenants").asText().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        JsonNode job = find(objects, "Job", "ferry-tenants");
        assertEquals("Indexed", job.at("/spec/completionMode").asText());
        assertEquals(tenants.size(), job.at("/spec/completions").asInt(), "completions must equal the number of tenants");
        assertEquals(List.of("/bin/sh", "/etc/ferry/render.sh"), strings(job.at("/spec/template/spec/initContainers/0/command")));
        assertEquals(List.of("copydb", "--config", "/run/ferry/ferry.yaml", "--resume=auto"), strings(job.at("/spec/template/spec/containers/0/args")));

        List<String> serverIds = new ArrayList<>();
        for (int index = 0; index < tenants.size(); index++) {
            Path out = Files.createDirectories(dir.resolve("index-" + index));
            Run render = render(templates, out, index);
            assertEquals(0, render.exitCode(), render.output());
            assertEquals("index " + index + ": tenant " + tenants.get(index), render.output().strip());

            Path config = out.resolve("ferry.yaml");
            JsonNode parsed = YAML.readTree(config.toFile());
            assertEquals(List.of(tenants.get(index)), strings(parsed.at("/copyFilter/values")));
            serverIds.add(parsed.at("/replication/serverId").asText());
            Run validate = ferryValidate(config);
            assertEquals(0, validate.exitCode(), "index " + index + ": " + validate.output());
            assertTrue(validate.output().startsWith("config OK"), validate.output());
        }
        assertEquals(tenants.size(), serverIds.stream().distinct().count(), "each index needs its own replication server id: " + serverIds);

        Run beyond = render(templates, Files.createDirectories(dir.resolve("beyond")), tenants.size());
        assertEquals(2, beyond.exitCode(), beyond.output());
        assertTrue(beyond.output().contains("completions exceeds the list"), beyond.output());
    }

    private static Run render(Path templates, Path out, int index)
            throws IOException, InterruptedException
    {
        return run(templates, Map.of("FERRY_TEMPLATE_DIR", templates.toString(), "FERRY_CONFIG_DIR", out.toString(), "JOB_COMPLETION_INDEX", Integer.toString(index)),
                "/bin/sh", templates.resolve("render.sh").toString());
    }

    private static Run validate(Path... files)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        for (Path file : files) {
            command.add(file.toString());
        }
        return run(VALIDATOR, Map.of(), command.toArray(String[]::new));
    }

    private static Run ferryValidate(Path config)
            throws IOException, InterruptedException
    {
        // passwordEnv variables must be set for validate; it connects to nothing
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("FERRY_SOURCE_PASSWORD", "not-used");
        env.put("FERRY_TARGET_PASSWORD", "not-used");
        env.put("FERRY_CONTROL_TOKEN", "not-used");
        return run(DIST, env, DIST.resolve("bin/ferry").toString(), "validate", "--config", config.toString());
    }

    private static List<JsonNode> read(Path file)
            throws IOException
    {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (documents.hasNext()) {
                objects.add(documents.next());
            }
        }
        return objects;
    }

    private static JsonNode find(List<JsonNode> objects, String kind, String name)
    {
        return objects.stream()
                .filter(object -> kind.equals(object.path("kind").asText()) && name.equals(object.at("/metadata/name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private record Run(int exitCode, String output) {}

    private static Run run(Path directory, Map<String, String> env, String... command)
            throws IOException, InterruptedException
    {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
        return new Run(process.exitValue(), output);
    }
}
