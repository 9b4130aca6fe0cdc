package dev.ferry.cli;

import dev.ferry.testing.RealServers;
import dev.ferry.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Clients that open connections to the control server and never finish their request cannot
 * make it unreachable for probes and operators: tested on {@code bin/ferry} itself, since the
 * JDK server takes its limits from the JVM once.
 */
@RealServers
class SlowControlClientsIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;

    private static Path home;

    @BeforeAll
    static void locateDistribution()
    {
        home = FerryProcess.distributionHome();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void clientsThatNeverFinishTheirRequestCannotFreezeIt(TestDatabase db)
            throws Exception
    {
        db.executeOnSource("CREATE TABLE t (id INT NOT NULL PRIMARY KEY)", "INSERT INTO t SELECT seq FROM seq_1_to_100");
        Path directory = Files.createDirectories(temp.resolve(db.name()));
        String yaml = FerryProcess.serverYaml("source", db.source()) + FerryProcess.serverYaml("target", db.target())
                + "tableFilter:\n  type: names\n  databases: [" + db.name() + "]\n"
                + "cutover:\n  automatic: false\n"
                + "control:\n  bind: \"127.0.0.1:0\"\n";
        Path config = Files.writeString(directory.resolve("copydb.yaml"), yaml);
        FerryProcess ferry = FerryProcess.start(home, directory,
                Map.of("FERRY_SOURCE_PASSWORD", db.source().password(), "FERRY_TARGET_PASSWORD", db.target().password()),
                "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", "copydb", "--config", config.toString());
        List<Socket> slow = new ArrayList<>();
        try {
            ferry.awaitPhase("waiting-for-cutover", TIMEOUT);
            int port = URI.create(ferry.controlUrl(TIMEOUT)).getPort();
            // more than the old two threads, each sending a request line and never the blank line after the headers
            for (int i = 0; i < 12; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }
            Thread.sleep(500);

            // the status answers within its 5 s client timeout
            assertTrue(ferry.status().isPresent(), "no status while 12 requests hang\n" + ferry);

            // and a hanging request is dropped once it takes longer than the request time limit (10 s)
            Socket first = slow.get(0);
            first.setSoTimeout(25_000);
            InputStream in = first.getInputStream();
            try {
                assertEquals(-1, in.read(), "the server should close the connection, not answer the unfinished request");
            }
            catch (SocketTimeoutException e) {
                fail("the unfinished request was not dropped within 25 s\n" + ferry);
            }
            catch (SocketException e) {
                // reset by the server: dropped too
            }

            assertEquals(202, ferry.post("/api/cutover"), ferry.toString());
            assertEquals(0, ferry.await(TIMEOUT), ferry.toString());
        }
        finally {
            for (Socket socket : slow) {
                socket.close();
            }
            ferry.destroyQuietly();
        }
    }

}
