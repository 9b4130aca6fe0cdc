package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.api.FerryException;
import dev.ferry.runtime.Ferry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressReporterTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    private HttpServer receiver;

    @BeforeEach
    void startReceiver()
            throws IOException
    {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("X-Team") + " " + body);
                exchange.sendResponseHeaders(answer.get(), -1);
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver()
    {
        receiver.stop(0);
    }

    private String progress(String errorPath)
    {
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        return "progress:\n  interval: 100ms\n  callback:\n    url: " + base + "/progress\n    headers: {X-Team: shop}\n"
                + "  payload: {migration: shop-move, attempt: 2}\n"
                + (errorPath == null ? "" : "  errorCallback:\n    url: " + base + errorPath + "\n");
    }

    @Test
    void postsTheStatusWithTheCustomPayloadEveryInterval()
            throws Exception
    {
        try (Ferry ferry = ControlTesting.offline(progress(null), plugins -> plugins);
                ProgressReporter reporter = new ProgressReporter(ferry)) {
            reporter.start();
            for (int i = 0; i < 3; i++) {
                String post = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(post, "report " + i);
                assertTrue(post.startsWith("/progress shop {"), post);
                JsonNode body = JSON.readTree(post.substring(post.indexOf('{')));
                assertEquals("starting", body.get("phase").asText());
                assertEquals("{\"migration\":\"shop-move\",\"attempt\":2}", body.get("customPayload").toString());
                assertTrue(body.has("tables") && body.has("copy") && body.has("replication") && body.has("health"), post);
                assertFalse(post.contains(ControlTesting.SOURCE_PASSWORD) || post.contains(ControlTesting.TARGET_PASSWORD), post);
            }
        }
    }

    @Test
    void closeSendsALastReport()
            throws Exception
    {
        try (Ferry ferry = ControlTesting.offline(progress(null).replace("100ms", "1h"), plugins -> plugins)) {
            ProgressReporter reporter = new ProgressReporter(ferry);
            reporter.start();
            assertNotNull(received.poll(5, TimeUnit.SECONDS), "the first report is immediate");
            reporter.close();
            assertNotNull(received.poll(5, TimeUnit.SECONDS), "close reports once more");
        }
    }

    @Test
    void reportsErrorsToTheErrorCallback()
            throws Exception
    {
        try (Ferry ferry = ControlTesting.offline(progress("/errors"), plugins -> plugins)) {
            new ProgressReporter(ferry).reportError(new FerryException("copy failed: table shop.orders"));
            String post = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(post);
            assertTrue(post.startsWith("/errors null {"), post);
            JsonNode body = JSON.readTree(post.substring(post.indexOf('{')));
            assertEquals("copy failed: table shop.orders", body.get("error").asText());
            assertEquals("starting", body.get("phase").asText());
            assertEquals("shop-move", body.at("/customPayload/migration").asText());
        }
    }

    @Test
    void failingCallbacksNeverThrowIntoTheRun()
            throws Exception
    {
        answer.set(500);
        try (Ferry ferry = ControlTesting.offline(progress("/errors"), plugins -> plugins)) {
            ProgressReporter reporter = new ProgressReporter(ferry);
            reporter.report();
            reporter.report();
            reporter.reportError(new IllegalStateException());
            assertEquals(3, received.size());
        }
        receiver.stop(0);
        try (Ferry ferry = ControlTesting.offline(progress("/errors"), plugins -> plugins)) {
            ProgressReporter reporter = new ProgressReporter(ferry);
            reporter.report();
            reporter.reportError(new IllegalStateException("unreachable"));
        }
    }

    @Test
    void withoutACallbackNothingIsSent()
            throws Exception
    {
        try (Ferry ferry = ControlTesting.offline("", plugins -> plugins);
                ProgressReporter reporter = new ProgressReporter(ferry)) {
            reporter.start();
            reporter.reportError(new IllegalStateException("x"));
            assertEquals(null, received.poll(300, TimeUnit.MILLISECONDS));
        }
    }
}
