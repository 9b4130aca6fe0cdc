package dev.ferry.runtime.binlog;

import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;

import java.util.List;

/**
 * Receives what {@link BinlogStreamer} reads. Every method is called on the streamer's thread, in
 * binlog order, one call at a time; a method that throws stops the streamer, which then reports
 * the exception to {@link #onFailure}. A slow listener slows the stream (there is no buffer).
 *
 * <p>{@code sourceMillis} is the event header's timestamp: the source's clock, in whole seconds
 * as epoch milliseconds, when the statement that wrote the event ran.
 */
public interface BinlogListener
{
    /**
     * The rows of one rows event of an accepted table: inserts, updates (before and after image)
     * or deletes, in the event's order. All share one position pair.
     */
    void onRowEvents(List<RowEvent> events, long sourceMillis);

    /**
     * A QUERY event other than {@code BEGIN}, {@code COMMIT} and {@code ROLLBACK}: DDL and the
     * other statements the server logs as text, for the DDL engine to classify.
     *
     * @param defaultDatabase the session's current database when the statement ran; empty if none
     */
    void onQuery(String sql, String defaultDatabase, PositionPair position, long sourceMillis);

    /**
     * A transaction ended: XID, a {@code COMMIT} or {@code ROLLBACK} query, an XA prepare, or the
     * end of a statement logged without a transaction around it (DDL). {@code position.resume()}
     * equals {@code position.event()}: everything up to here was delivered.
     */
    void onTransactionEnd(PositionPair position, long sourceMillis);

    /**
     * The server sent a heartbeat: the connection is alive and there was nothing to send for a
     * heartbeat interval. The position is the streamer's, not the server's. (A heartbeat's header
     * carries no timestamp.)
     */
    default void onHeartbeat(PositionPair position) {}

    /**
     * Streaming stopped for good: a fatal error, a listener exception, or connection loss after
     * all retries. Called at most once; no other method is called afterwards.
     */
    void onFailure(Throwable failure);
}
