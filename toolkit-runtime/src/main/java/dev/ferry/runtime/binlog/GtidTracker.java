package dev.ferry.runtime.binlog;

import com.github.shyiko.mysql.binlog.GtidSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The executed GTID set as the binlog is read: MySQL {@code uuid:1-5:7} interval sets (every
 * committed GTID added) or MariaDB {@code domain-server-seq} lists (the last GTID of each domain,
 * the form of {@code @@gtid_binlog_pos}). Not thread-safe; used on the streaming thread.
 */
abstract class GtidTracker
{
    private String text;

    private GtidTracker() {}

    /**
     * A tracker starting from a known set; {@code initial} null means unknown: the tracker then
     * reports null until a PREVIOUS_GTIDS (MySQL) or GTID_LIST (MariaDB) event tells the set.
     */
    static GtidTracker create(SourceFlavor flavor, String initial)
    {
        return flavor == SourceFlavor.MARIADB ? new MariaDb(initial) : new MySql(initial);
    }

    /**
     * The set as text, or null when unknown. Cached: recomputed only on commit.
     */
    final String current()
    {
        return text;
    }

    /**
     * Adds the GTID of a committed transaction.
     */
    final void commit(String gtid)
    {
        if (gtid != null && add(gtid)) {
            refresh();
        }
    }

    /**
     * Takes the set a PREVIOUS_GTIDS or GTID_LIST event states, when it says more than what is known.
     */
    final void observe(String stated)
    {
        if (stated != null && merge(stated)) {
            refresh();
        }
    }

    final void refresh()
    {
        text = render();
    }

    abstract boolean add(String gtid);

    abstract boolean merge(String stated);

    abstract String render();

    private static final class MySql
            extends GtidTracker
    {
        private GtidSet set;

        MySql(String initial)
        {
            if (initial != null) {
                set = new GtidSet(initial);
                refresh();
            }
        }

        @Override
        boolean add(String gtid)
        {
            // without a known starting set a single GTID would misstate the executed set
            return set != null && set.add(gtid);
        }

        @Override
        boolean merge(String stated)
        {
            if (set != null) {
                return false;
            }
            set = new GtidSet(stated);
            return true;
        }

        @Override
        String render()
        {
            // @@gtid_executed's form: UUIDs in order, a single transaction as "n" rather than "n-n"
            List<GtidSet.UUIDSet> uuidSets = new ArrayList<>(set.getUUIDSets());
            uuidSets.sort(Comparator.comparing(GtidSet.UUIDSet::getUUID));
            StringBuilder out = new StringBuilder();
            for (GtidSet.UUIDSet uuidSet : uuidSets) {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(uuidSet.getUUID());
                for (GtidSet.Interval interval : uuidSet.getIntervals()) {
                    out.append(':').append(interval.getStart());
                    if (interval.getEnd() != interval.getStart()) {
                        out.append('-').append(interval.getEnd());
                    }
                }
            }
            return out.toString();
        }
    }

    private static final class MariaDb
            extends GtidTracker
    {
        /** domain to {server, sequence} */
        private Map<Long, long[]> domains;

        MariaDb(String initial)
        {
            if (initial != null) {
                domains = new TreeMap<>();
                parseInto(initial, domains);
                refresh();
            }
        }

        @Override
        boolean add(String gtid)
        {
            if (domains == null) {
                domains = new TreeMap<>();
            }
            parseInto(gtid, domains);
            return true;
        }

        @Override
        boolean merge(String stated)
        {
            Map<Long, long[]> parsed = new TreeMap<>();
            parseInto(stated, parsed);
            if (domains == null) {
                domains = parsed;
                return true;
            }
            boolean changed = false;
            for (Map.Entry<Long, long[]> entry : parsed.entrySet()) {
                long[] known = domains.get(entry.getKey());
                if (known == null || known[1] < entry.getValue()[1]) {
                    domains.put(entry.getKey(), entry.getValue());
                    changed = true;
                }
            }
            return changed;
        }

        @Override
        String render()
        {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<Long, long[]> entry : domains.entrySet()) {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(entry.getKey()).append('-').append(entry.getValue()[0]).append('-').append(entry.getValue()[1]);
            }
            return out.toString();
        }

        /**
         * Parses {@code d-s-n[,d-s-n...]}; a later entry of a domain wins unless its sequence is lower.
         */
        private static void parseInto(String text, Map<Long, long[]> target)
        {
            for (String part : text.split(",")) {
                String gtid = part.trim();
                if (gtid.isEmpty()) {
                    continue;
                }
                String[] fields = gtid.split("-");
                if (fields.length != 3) {
                    throw new IllegalArgumentException("not a MariaDB GTID: " + gtid);
                }
                long domain = Long.parseLong(fields[0]);
                long[] value = {Long.parseLong(fields[1]), Long.parseLong(fields[2])};
                long[] known = target.get(domain);
                if (known == null || known[1] <= value[1]) {
                    target.put(domain, value);
                }
            }
        }
    }
}
