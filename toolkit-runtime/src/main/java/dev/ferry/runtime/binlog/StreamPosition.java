package dev.ferry.runtime.binlog;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the binlog stream is: the event position (the end of the last event read) and the resume
 * position (the start of the open transaction), see {@link PositionPair}; restarting from the
 * resume position never re-reads half a transaction nor skips one. Also tracks the executed GTID
 * set, and after a reconnect in the middle of a transaction which events were handed on already.
 *
 * <p>Threading: touched only on the streamer thread, except {@link #replayedEvents}.
 */
final class StreamPosition
{
    private static final int ARTIFICIAL_EVENT_FLAG = 0x20;

    private final AtomicLong replayedEvents = new AtomicLong();

    private GtidTracker gtids;
    private String file;
    private long offset;
    private boolean inTransaction;
    private boolean explicitBegin;
    private long transactionStart;
    private String pendingGtid;
    /** events up to here were handed on before a reconnect and are not handed on again */
    private String replayFile;
    private long replayUntil = -1;
    private String highWaterFile;
    private long highWaterOffset;
    private boolean progressed;

    /**
     * Places the stream at {@code from} (a transaction boundary) with the GTID set executed there.
     */
    void start(SourceFlavor flavor, BinlogPosition from, String startGtids)
    {
        gtids = GtidTracker.create(flavor, startGtids);
        file = from.file();
        offset = from.offset();
        highWaterFile = file;
        highWaterOffset = offset;
    }

    /**
     * The events of the current file that end at or before {@code offset} were handed on before
     * (by an earlier run, which saved a position in the middle of a transaction) and are not
     * handed on again.
     */
    void handedOnUntil(long offset)
    {
        replayFile = file;
        replayUntil = offset;
    }

    String file()
    {
        return file;
    }

    long offset()
    {
        return offset;
    }

    boolean inTransaction()
    {
        return inTransaction;
    }

    /**
     * Whether the open transaction ends with a commit event (XID, COMMIT) rather than with its
     * only statement.
     */
    boolean explicitBegin()
    {
        return explicitBegin;
    }

    void explicitBegin(boolean explicit)
    {
        explicitBegin = explicit;
    }

    /**
     * The GTID of the open transaction, recorded as executed when it ends.
     */
    void pendingGtid(String gtid)
    {
        pendingGtid = gtid;
    }

    void observeGtids(String gtidSet)
    {
        gtids.observe(gtidSet);
    }

    /**
     * Events read again after a reconnect in the middle of a transaction, which had been handed on
     * before and were not handed on again. Safe from any thread.
     */
    long replayedEvents()
    {
        return replayedEvents.get();
    }

    /**
     * Forgets whether the stream progressed; called when a connection opens.
     */
    void resetProgress()
    {
        progressed = false;
    }

    /**
     * Whether the stream moved past its furthest position (or received a heartbeat) since
     * {@link #resetProgress}.
     */
    boolean progressed()
    {
        return progressed;
    }

    void heartbeat()
    {
        progressed = true;
    }

    void begin(EventDeserializers.Header header)
    {
        inTransaction = true;
        explicitBegin = false;
        pendingGtid = null;
        transactionStart = eventStart(header);
    }

    void beginIfOutside(EventDeserializers.Header header)
    {
        if (!inTransaction) {
            begin(header);
        }
    }

    /**
     * Ends the open transaction and returns whether its end is new, that is, not read again after
     * a reconnect: only then is it handed on.
     */
    boolean endTransaction()
    {
        gtids.commit(pendingGtid);
        pendingGtid = null;
        inTransaction = false;
        explicitBegin = false;
        if (replaying()) {
            return false;
        }
        markProgress();
        return true;
    }

    /**
     * Both the artificial rotate sent at connect and the real one ending a file name the position
     * the next event starts at.
     */
    void rotate(String nextFile, long nextOffset)
    {
        file = nextFile;
        offset = nextOffset;
        markProgress();
    }

    /**
     * Moves the event position to the end of this event. Positions only grow within a file:
     * artificial events sent at connect (a format description from the file's start, heartbeats)
     * carry positions that are not where the stream is.
     */
    void advance(EventDeserializers.Header header)
    {
        long next = header.getNextPosition();
        if (next == 0 && inTransaction) {
            // MariaDB 11.4+ (binlog_legacy_event_pos=OFF, its default) writes 0 as the end of the
            // events inside a transaction: the event ends its length after where it started
            next = offset + header.getEventLength();
        }
        if (next > offset && (header.getFlags() & ARTIFICIAL_EVENT_FLAG) == 0) {
            offset = next;
        }
    }

    /**
     * Whether the event that ends at the current position was handed on before a reconnect.
     */
    boolean replaying()
    {
        if (replayUntil < 0) {
            return false;
        }
        if (file.equals(replayFile) && offset <= replayUntil) {
            replayedEvents.incrementAndGet();
            return true;
        }
        replayUntil = -1;
        replayFile = null;
        return false;
    }

    void markProgress()
    {
        int order = file.compareTo(highWaterFile);
        if (order > 0 || (order == 0 && offset > highWaterOffset)) {
            highWaterFile = file;
            highWaterOffset = offset;
            progressed = true;
        }
    }

    /**
     * Sets the state up for reading again from the resume position and returns it. Events up to
     * the current event position were handed on already and will not be again.
     */
    BinlogPosition prepareReconnect()
    {
        BinlogPosition resumeAt = new BinlogPosition(file, inTransaction ? transactionStart : offset, gtids.current());
        if (inTransaction) {
            replayFile = file;
            replayUntil = offset;
        }
        inTransaction = false;
        explicitBegin = false;
        pendingGtid = null;
        offset = resumeAt.offset();
        return resumeAt;
    }

    PositionPair currentPair()
    {
        BinlogPosition event = new BinlogPosition(file, offset, gtids.current());
        if (!inTransaction || transactionStart == offset) {
            return PositionPair.at(event);
        }
        return new PositionPair(event, new BinlogPosition(file, transactionStart, gtids.current()));
    }

    private long eventStart(EventDeserializers.Header header)
    {
        long start = header.getNextPosition() - header.getEventLength();
        return header.getNextPosition() > 0 && start >= 0 ? start : offset;
    }
}
