package dev.ferry.runtime.binlog;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records every listener call in order, for assertions; waits for conditions.
 */
class RecordingListener
        implements BinlogListener
{
    sealed interface Call
            permits Rows, Query, TransactionEnd, Heartbeat, Failure {}

    record Rows(List<RowEvent> events, long sourceMillis, Thread thread)
            implements Call {}

    record Query(String sql, String database, PositionPair position, long sourceMillis)
            implements Call {}

    record TransactionEnd(PositionPair position, long sourceMillis)
            implements Call {}

    record Heartbeat(PositionPair position)
            implements Call {}

    record Failure(Throwable failure)
            implements Call {}

    private final List<Call> calls = new ArrayList<>();

    @Override
    public void onRowEvents(List<RowEvent> events, long sourceMillis)
    {
        add(new Rows(List.copyOf(events), sourceMillis, Thread.currentThread()));
    }

    @Override
    public void onQuery(String sql, String defaultDatabase, PositionPair position, long sourceMillis)
    {
        add(new Query(sql, defaultDatabase, position, sourceMillis));
    }

    @Override
    public void onTransactionEnd(PositionPair position, long sourceMillis)
    {
        add(new TransactionEnd(position, sourceMillis));
    }

    @Override
    public void onHeartbeat(PositionPair position)
    {
        add(new Heartbeat(position));
    }

    @Override
    public void onFailure(Throwable failure)
    {
        add(new Failure(failure));
    }

    private synchronized void add(Call call)
    {
        calls.add(call);
        notifyAll();
    }

    synchronized List<Call> calls()
    {
        return List.copyOf(calls);
    }

    /**
     * Calls other than heartbeats.
     */
    synchronized List<Call> events()
    {
        List<Call> result = new ArrayList<>();
        for (Call call : calls) {
            if (!(call instanceof Heartbeat)) {
                result.add(call);
            }
        }
        return result;
    }

    synchronized List<RowEvent> rowEvents()
    {
        List<RowEvent> result = new ArrayList<>();
        for (Call call : calls) {
            if (call instanceof Rows rows) {
                result.addAll(rows.events());
            }
        }
        return result;
    }

    synchronized Failure failure()
    {
        for (Call call : calls) {
            if (call instanceof Failure failure) {
                return failure;
            }
        }
        return null;
    }

    /**
     * Waits until a call matches, failing with what was recorded when none does in time or the
     * streamer failed.
     */
    synchronized Call await(Predicate<Call> condition, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Call call : calls) {
                if (condition.test(call)) {
                    return call;
                }
                if (call instanceof Failure failure && !condition.test(call)) {
                    throw new AssertionError("streamer failed while waiting", failure.failure());
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting; recorded " + calls.size() + " calls: " + summary());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Waits for the end of the transaction whose end is at or after {@code position}.
     */
    TransactionEnd awaitTransactionEnd(BinlogPosition position, Duration timeout)
            throws InterruptedException
    {
        return (TransactionEnd) await(call -> call instanceof TransactionEnd end && end.position().event().compareTo(position) >= 0, timeout);
    }

    synchronized String summary()
    {
        StringBuilder out = new StringBuilder();
        for (Call call : calls) {
            if (call instanceof Rows rows) {
                out.append("\n  rows ").append(rows.events().size()).append(' ').append(rows.events().get(0).type()).append(' ')
                        .append(rows.events().get(0).table().name()).append(" at ").append(rows.events().get(0).position());
            }
            else {
                out.append("\n  ").append(call);
            }
        }
        return out.toString();
    }
}
