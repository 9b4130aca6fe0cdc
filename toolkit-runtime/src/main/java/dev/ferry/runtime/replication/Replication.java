package dev.ferry.runtime.replication;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.binlog.BinlogStreamer;
import dev.ferry.runtime.binlog.BinlogStreamerConfig;
import dev.ferry.runtime.binlog.StallWatch;
import dev.ferry.runtime.binlog.SourceServer;
import dev.ferry.runtime.schema.SchemaRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The replication stage of a run: the binlog stream of the source feeding the applier of the
 * target. Owns both, starts and stops them together and reports a failure of either.
 */
public final class Replication
{
    private static final Logger log = LoggerFactory.getLogger(Replication.class);

    private final BinlogApplier applier;
    private final BinlogStreamerConfig streamerConfig;
    private final SchemaRegistry schemas;
    private final Runnable onStreamFailure;
    private final AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    private volatile BinlogStreamer streamer;

    /**
     * @param schemas the schemas row events are decoded with (the applier's schema changes keep
     *        them current)
     * @param onStreamFailure called on the binlog thread once streaming failed for good, e.g. to
     *        stop the copy
     */
    public Replication(BinlogApplier applier, BinlogStreamerConfig streamerConfig, SchemaRegistry schemas, Runnable onStreamFailure)
    {
        this.applier = requireNonNull(applier, "applier is null");
        this.streamerConfig = requireNonNull(streamerConfig, "streamerConfig is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.onStreamFailure = requireNonNull(onStreamFailure, "onStreamFailure is null");
    }

    /**
     * Starts the applier, then streams the binlog from {@code start.resume()}; the events up to
     * {@code start.event()} (a saved position in the middle of a transaction) were applied and
     * are read but not applied again.
     *
     * @return the applier's position until its first batch commits
     */
    public PositionPair start(PositionPair start)
    {
        applier.start(start);
        BinlogStreamer current = new BinlogStreamer(streamerConfig, schemas::get, schemas::contains, new ApplierListener(applier, this::failed));
        streamer = current;
        current.start(start.resume(), start.event());
        log.info("streaming the binlog from {} (server id {})", start.resume(), current.serverId());
        return start;
    }

    public BinlogApplier applier()
    {
        return applier;
    }

    /**
     * Where the applier is: everything up to here is on the target.
     */
    public PositionPair applied()
    {
        return applier.applied();
    }

    /**
     * Blocks until the applier applied everything up to {@code position}; see
     * {@link BinlogApplier#awaitApplied}.
     */
    public boolean awaitApplied(BinlogPosition position, Duration timeout)
            throws InterruptedException
    {
        return applier.awaitApplied(position, timeout);
    }

    /**
     * Blocks until the applier applied up to {@code position}, like {@link #awaitApplied}, and
     * reconnects the binlog stream whenever neither the stream nor the applier moved for
     * {@code stall} while short of it: the cutover's final catch-up does not wait out its whole
     * timeout on a connection that stays open and delivers nothing.
     */
    public boolean awaitAppliedReconnectingWhenStalled(BinlogPosition position, Duration timeout, Duration stall)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        StallWatch watch = new StallWatch(stall);
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            if (applier.awaitApplied(position, Duration.ofNanos(Math.min(remaining, Duration.ofMillis(500).toNanos())))) {
                return true;
            }
            checkHealthy();
            BinlogStreamer current = streamer;
            if (current == null) {
                continue;
            }
            if (applier.queued() > 0) {
                // the applier has work: progress the positions do not show yet
                watch.moved();
            }
            else if (watch.stalled(Arrays.asList(current.position(), applier.applied()))) {
                current.reconnect("the stream stood still for " + stall.toMillis() + " ms short of the source's position " + position);
            }
        }
    }

    /**
     * Reads the source's current binlog position through {@code source} and blocks until the
     * applier applied up to it: the copy's barrier for a table read in one go.
     *
     * @throws FerryException when streaming or the applier failed meanwhile
     */
    public void awaitAppliedUpToCurrent(Connection source)
            throws SQLException, InterruptedException
    {
        BinlogPosition position = SourceServer.currentFileAndOffset(source);
        while (!applier.awaitApplied(position, Duration.ofSeconds(1))) {
            checkHealthy();
        }
    }

    /**
     * @throws FerryException when streaming or the applier failed
     */
    public void checkHealthy()
    {
        Throwable failure = streamFailure.get();
        if (failure != null) {
            throw failure instanceof FerryException ferry ? ferry : new FerryException("binlog streaming failed: " + failure.getMessage(), failure);
        }
        applier.failure().ifPresent(cause -> {
            throw cause instanceof FerryException ferry ? ferry : new FerryException("the binlog applier failed: " + cause.getMessage(), cause);
        });
    }

    /**
     * Stops streaming, then lets the applier apply what it received and stop.
     */
    public void stop()
            throws InterruptedException
    {
        BinlogStreamer current = streamer;
        if (current != null) {
            current.stop();
        }
        applier.close();
    }

    private void failed(Throwable failure)
    {
        streamFailure.set(failure);
        log.error("binlog streaming failed: {}", failure.getMessage());
        onStreamFailure.run();
    }
}
