package dev.ferry.runtime.verify;

import dev.ferry.api.model.BinlogPosition;
import dev.ferry.api.model.Key;
import dev.ferry.api.verify.VerificationResult;
import dev.ferry.runtime.state.TargetWritesState;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static java.util.Objects.requireNonNull;

/**
 * What the watch of the target's binlog found: the moved tables something other than this run
 * wrote to.
 *
 * @param tables per written table, what was seen
 * @param position where the watch is: everything before it was read
 * @param unwatched a stretch of the target's binlog the watch did not read (a resume that could
 *        not continue where the saved run stopped), or null
 * @param failure why the watch stopped, or null
 * @param finished whether the watch read up to the cutover and stopped
 */
public record TargetWrites(List<TargetWritesState.Table> tables, BinlogPosition position, String unwatched, String failure, boolean finished)
{
    public TargetWrites
    {
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
    }

    /**
     * Whether something other than this run wrote to a moved table.
     */
    public boolean found()
    {
        return !tables.isEmpty();
    }

    /**
     * Row changes and DDL statements found, over all tables.
     */
    public long writes()
    {
        long total = 0;
        for (TargetWritesState.Table table : tables) {
            total += table.writes();
        }
        return total;
    }

    /**
     * A failed verification naming each table, up to {@value TargetWriteWatch#REPORTED_KEYS} of
     * its keys and what could not be told by key; call only when {@link #found}.
     */
    public VerificationResult toResult()
    {
        List<VerificationResult.TableMismatch> mismatches = new ArrayList<>(tables.size());
        StringJoiner message = new StringJoiner("; ", "something other than this ferry run wrote to " + tables.size()
                + " moved table(s) on the target during the move, so the target may differ from the source where no verifier looks: ",
                "; the cutover is refused (find the writer, then move again or repair the rows by hand)");
        for (TargetWritesState.Table table : tables) {
            List<Key> keys = table.keys().subList(0, Math.min(TargetWriteWatch.REPORTED_KEYS, table.keys().size()));
            String reason = reason(table, keys);
            mismatches.add(new VerificationResult.TableMismatch(table.table(), keys, reason));
            message.add(table.table() + " (" + reason + ")");
        }
        if (unwatched != null) {
            message.add("also not watched: " + unwatched);
        }
        return new VerificationResult(VerificationResult.Status.MISMATCH, mismatches, message.toString());
    }

    private static String reason(TargetWritesState.Table table, List<Key> keys)
    {
        StringBuilder reason = new StringBuilder("written on the target by something other than this ferry run");
        if (!table.target().equals(table.table())) {
            reason.append(" as ").append(table.target());
        }
        reason.append(':');
        if (table.rows() > 0) {
            reason.append(' ').append(table.rows()).append(table.rows() == 1 ? " row change" : " row changes");
            if (!keys.isEmpty()) {
                StringJoiner shown = new StringJoiner(", ", ", keys ", table.keys().size() > keys.size() ? ", ..." : "");
                for (Key key : keys) {
                    shown.add(key.toString());
                }
                reason.append(shown);
            }
        }
        if (table.statements() > 0) {
            reason.append(table.rows() > 0 ? ";" : "").append(' ').append(table.statements()).append(table.statements() == 1 ? " statement" : " statements");
        }
        if (!table.notes().isEmpty()) {
            reason.append(" (").append(String.join("; ", table.notes())).append(')');
        }
        return reason.toString();
    }
}
