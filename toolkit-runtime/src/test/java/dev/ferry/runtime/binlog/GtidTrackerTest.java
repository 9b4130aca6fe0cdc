package dev.ferry.runtime.binlog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class GtidTrackerTest
{
    @Test
    void mariaDbKeepsTheLastGtidOfEachDomain()
    {
        GtidTracker tracker = GtidTracker.create(SourceFlavor.MARIADB, "1-1-10,0-2-5");
        assertEquals("0-2-5,1-1-10", tracker.current());
        tracker.commit("1-1-11");
        tracker.commit("2-7-1");
        tracker.commit(null);
        assertEquals("0-2-5,1-1-11,2-7-1", tracker.current());
        tracker.observe("0-1-3,1-1-12");
        assertEquals("0-2-5,1-1-12,2-7-1", tracker.current());
    }

    @Test
    void mariaDbStartsEmptyOrUnknown()
    {
        GtidTracker empty = GtidTracker.create(SourceFlavor.MARIADB, "");
        assertEquals("", empty.current());
        empty.commit("0-1-1");
        assertEquals("0-1-1", empty.current());
        GtidTracker unknown = GtidTracker.create(SourceFlavor.MARIADB, null);
        assertNull(unknown.current());
        unknown.observe("0-1-7");
        assertEquals("0-1-7", unknown.current());
    }

    @Test
    void mysqlAddsToIntervals()
    {
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        GtidTracker tracker = GtidTracker.create(SourceFlavor.MYSQL, uuid + ":1-5");
        tracker.commit(uuid + ":6");
        assertEquals(uuid + ":1-6", tracker.current());
        tracker.commit(uuid + ":8");
        assertEquals(uuid + ":1-6:8", tracker.current());
        String other = "0e11fa47-71ca-11e1-9e33-c80aa9429562";
        tracker.commit(other + ":1");
        assertEquals(other + ":1," + uuid + ":1-6:8", tracker.current());
    }

    @Test
    void mysqlUnknownUntilPreviousGtids()
    {
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        GtidTracker tracker = GtidTracker.create(SourceFlavor.MYSQL, null);
        tracker.commit(uuid + ":6");
        assertNull(tracker.current(), "one GTID alone would misstate the executed set");
        tracker.observe(uuid + ":1-6");
        tracker.commit(uuid + ":7");
        assertEquals(uuid + ":1-7", tracker.current());
    }
}
