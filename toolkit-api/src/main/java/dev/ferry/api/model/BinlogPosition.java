package dev.ferry.api.model;

import static java.util.Objects.requireNonNull;

/**
 * A point in the source's binlog.
 *
 * @param file binlog file name, e.g. {@code bin.000003}
 * @param offset byte offset in the file
 * @param gtidSet the executed GTID set at this point (MySQL {@code uuid:1-5} or MariaDB
 *        {@code 0-1-42}), or null when GTIDs are off or unknown
 */
public record BinlogPosition(String file, long offset, String gtidSet)
        implements Comparable<BinlogPosition>
{
    public BinlogPosition
    {
        requireNonNull(file, "file is null");
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
    }

    /**
     * Orders by file then offset. Binlog file names share a base name and end in a zero-padded
     * sequence number, so string order is file order.
     */
    @Override
    public int compareTo(BinlogPosition other)
    {
        int result = file.compareTo(other.file);
        return result != 0 ? result : Long.compare(offset, other.offset);
    }

    @Override
    public String toString()
    {
        return file + ":" + offset + (gtidSet == null || gtidSet.isEmpty() ? "" : " (gtid " + gtidSet + ")");
    }
}
