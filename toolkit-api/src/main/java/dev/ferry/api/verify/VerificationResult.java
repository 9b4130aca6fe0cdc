package dev.ferry.api.verify;

import dev.ferry.api.model.Key;
import dev.ferry.api.model.TableName;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a verification.
 *
 * @param status whether source and target were found equal
 * @param mismatches per differing table, up to a bounded number of differing keys
 * @param message a one-line summary for the operator
 */
public record VerificationResult(Status status, List<TableMismatch> mismatches, String message)
{
    public enum Status
    {
        /** Source and target are equal for everything checked. */
        MATCH,
        /** At least one table differs. */
        MISMATCH,
        /** No verification ran (the {@code none} verifier, or not yet). */
        NOT_RUN
    }

    /**
     * @param table the source table
     * @param keys differing row keys (bounded); empty when only a whole-table checksum differs
     * @param reason e.g. {@code 3 rows differ} or {@code checksum 123 != 456}
     */
    public record TableMismatch(TableName table, List<Key> keys, String reason)
    {
        public TableMismatch
        {
            requireNonNull(table, "table is null");
            keys = List.copyOf(requireNonNull(keys, "keys is null"));
            requireNonNull(reason, "reason is null");
        }
    }

    public VerificationResult
    {
        requireNonNull(status, "status is null");
        mismatches = List.copyOf(requireNonNull(mismatches, "mismatches is null"));
        requireNonNull(message, "message is null");
    }

    public static VerificationResult match(String message)
    {
        return new VerificationResult(Status.MATCH, List.of(), message);
    }

    public static VerificationResult notRun(String message)
    {
        return new VerificationResult(Status.NOT_RUN, List.of(), message);
    }

    public static VerificationResult mismatch(List<TableMismatch> mismatches)
    {
        return new VerificationResult(Status.MISMATCH, mismatches, mismatches.size() + " table(s) differ: "
                + mismatches.stream().map(m -> m.table() + " (" + m.reason() + ")").reduce((a, b) -> a + ", " + b).orElse(""));
    }

    public boolean failed()
    {
        return status == Status.MISMATCH;
    }
}
