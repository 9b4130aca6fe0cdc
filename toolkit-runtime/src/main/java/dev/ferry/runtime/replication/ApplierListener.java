package dev.ferry.runtime.replication;

import dev.ferry.api.FerryException;
import dev.ferry.api.model.PositionPair;
import dev.ferry.api.model.RowEvent;
import dev.ferry.runtime.apply.BinlogApplier;
import dev.ferry.runtime.binlog.BinlogListener;
import dev.ferry.runtime.ddl.DdlStatements;

import java.util.List;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Hands the streamer's events to the applier (through its bounded queue), on the binlog thread.
 * Schema statements go to the applier, which applies them as a barrier: this call returns once
 * the statement was handled, so no row event after it is decoded against the old structure.
 */
final class ApplierListener
        implements BinlogListener
{
    private final BinlogApplier applier;
    private final Consumer<Throwable> onFailure;

    ApplierListener(BinlogApplier applier, Consumer<Throwable> onFailure)
    {
        this.applier = requireNonNull(applier, "applier is null");
        this.onFailure = requireNonNull(onFailure, "onFailure is null");
    }

    @Override
    public void onRowEvents(List<RowEvent> events, long sourceMillis)
    {
        try {
            applier.onRowEvents(events, sourceMillis);
        }
        catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void onQuery(String sql, String defaultDatabase, PositionPair position, long sourceMillis)
    {
        if (!DdlStatements.isSchemaStatement(sql)) {
            return;
        }
        try {
            applier.onStatement(sql, defaultDatabase, position, sourceMillis);
        }
        catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void onTransactionEnd(PositionPair position, long sourceMillis)
    {
        try {
            applier.onTransactionEnd(position, sourceMillis);
        }
        catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void onHeartbeat(PositionPair position)
    {
        try {
            applier.onHeartbeat(position);
        }
        catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void onFailure(Throwable failure)
    {
        onFailure.accept(failure);
    }

    private static FerryException interrupted(InterruptedException e)
    {
        Thread.currentThread().interrupt();
        return new FerryException("interrupted", e);
    }
}
