package dev.ferry.runtime.binlog;

import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;
import dev.ferry.api.model.TableName;

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
     * A transaction starts (its GTID event, or a {@code BEGIN}). Unlike the other methods, also
     * called for transactions read again after a reconnect, whose rows are not handed on again:
     * it only lets the listener forget per-transaction state.
     */
    default void onTransactionStart() {}

    /**
     * The text the server logged for the statement whose row events follow (MariaDB's
     * {@code Annotate_rows}, MySQL's {@code Rows_query}), cut to its first
     * {@value EventDeserializers#STATEMENT_TEXT_CHARS} characters; called before the statement's
     * first TABLE_MAP, so the accepted-tables test of that TABLE_MAP may depend on it. Like
     * {@link #onTransactionStart}, also called for events read again after a reconnect. Only for
     * {@link BinlogStreamerConfig.Role#TARGET_WATCH} streams.
     */
    default void onStatementText(String text) {}

    /**
     * Rows of an accepted table that do not decode against its schema (the table's structure
     * differs, or the image lacks columns): {@code rows} rows of one rows event, which are not
     * handed on. Only for {@link BinlogStreamerConfig.Role#TARGET_WATCH} streams; a
     * {@link BinlogStreamerConfig.Role#SOURCE} stream fails instead.
     *
     * @param reason why they do not decode
     */
    default void onUndecodedRows(TableName table, int rows, String reason, PositionPair position) {}

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
