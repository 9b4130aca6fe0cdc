package dev.ferry.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusPageTest
{
    @Test
    void showsEveryTableWithAProgressBarOfItsRows()
    {
        String html = StatusPage.render(PrometheusTextTest.status(List.of(
                PrometheusTextTest.table("shop.orders", 150, 1000, "copying"),
                PrometheusTextTest.table("shop.users", 20, 20, "done"))), false, false, "abc");
        assertTrue(html.contains("<tr class=\"table-row\" data-table=\"shop.orders\"><td class=\"table-name\">shop.orders</td>"), html);
        assertTrue(html.contains("<progress class=\"table-progress\" value=\"150\" max=\"1000\" data-rows-copied=\"150\" data-estimated-rows=\"1000\">15.0%</progress>"), html);
        assertTrue(html.contains("<progress class=\"table-progress\" value=\"20\" max=\"20\" data-rows-copied=\"20\" data-estimated-rows=\"20\">100.0%</progress>"), html);
        assertTrue(html.contains("<td class=\"num rows-copied\">150</td><td class=\"num rows-estimated\">1,000</td>"), html);
        assertTrue(html.contains("<span id=\"copy-throttle\" class=\"warn\">throttled: paused by operator</span>"), html);
        assertTrue(html.contains("<code id=\"applied-position\">bin.000003:4242</code>"), html);
        assertTrue(html.contains("<span id=\"applier-queued\">7</span> items queued"), html);
        assertTrue(html.contains("<span id=\"applier-backlog\">12</span> row events (3,400 binlog bytes)"), html);
        assertTrue(html.contains("<script nonce=\"abc\">"), html);
        assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"3\">"), html);
        assertFalse(html.contains("${"), "every placeholder is filled");
    }

    @Test
    void escapesWhatComesFromTheServers()
    {
        String html = StatusPage.render(PrometheusTextTest.status(List.of(
                PrometheusTextTest.table("shop.<script>alert(1)</script>", 0, 10, "waiting"))), true, false, "n");
        assertFalse(html.contains("<script>alert(1)"), html);
        assertTrue(html.contains("shop.&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(html.contains("every POST needs <code>Authorization: Bearer &lt;token&gt;</code>"), html);
        assertEquals("&amp;&lt;&gt;&quot;&#39;", StatusPage.escape("&<>\"'"));
    }

    @Test
    void showsServersTimesTuningAndTheStateTheControlsFollow()
    {
        String html = StatusPage.render(PrometheusTextTest.status(List.of()), true, false, "n");
        assertTrue(html.contains("<dt>Source</dt><dd><span id=\"source\">db-old.example:3306</span> as <span id=\"source-user\">ferry_copy</span></dd>"), html);
        assertTrue(html.contains("<dt>Target</dt><dd><span id=\"target\">db-new.example:3307</span> as <span id=\"target-user\">ferry_write</span></dd>"), html);
        assertTrue(html.contains("<span id=\"started-at\">2026-01-02T03:00:00Z</span>"), html);
        assertTrue(html.contains("<span id=\"elapsed\">4m 05s</span>"), html);
        assertTrue(html.contains("<span id=\"tuning\">copy batches of 100 rows, 2 at once (at most 4), no rows/s cap; replication batches of 50 events</span>"), html);
        // the applier lag as /api/status has it (/replication/lagSeconds), a dash while it has none
        JsonNode lag = StatusJson.tree(PrometheusTextTest.status(List.of())).at("/replication/lagSeconds");
        String shown = lag.isNumber() ? Display.seconds(lag.asDouble()) : "\u2014";
        assertTrue(html.contains("<span id=\"applier-lag\">" + shown + "</span>"), html);
        assertTrue(html.contains("<div id=\"status\" data-phase=\"copying\" data-copy-paused=\"false\" data-copy-throttled=\"true\" "
                + "data-replication-paused=\"false\" data-replication-throttled=\"false\" data-verifying=\"false\" data-copy-batch-size=\"100\" "
                + "data-copy-concurrency=\"2\" data-max-copy-concurrency=\"4\" data-copy-rows-per-second=\"0\" data-replication-batch-size=\"50\">"), html);
        assertTrue(html.contains("<body data-token-required=\"true\" data-cutover-disabled=\"false\">"), html);
        // the controls need the script: without it they stay hidden and the page only reads
        assertTrue(html.contains("<section id=\"controls\" hidden>"), html);
    }

    @Test
    void tellsTheScriptWhenTheBuiltInPauserHoldsAStage()
    {
        FerryStatus base = PrometheusTextTest.status(List.of());
        FerryStatus.StageStatus paused = new FerryStatus.StageStatus(true, "copy paused from the control API",
                List.of(new FerryStatus.ThrottlerStatus("built-in", true, "copy paused from the control API")));
        FerryStatus status = new FerryStatus(base.ferryVersion(), base.time(), "copying", new FerryStatus.CopyStatus(150, 1000, 15, 0, null, 1, 0, 0, paused),
                base.tables(), base.replication(), base.verification(), base.health(), base.tuning(), base.servers(), base.startedAt(), base.elapsedSeconds());
        String html = StatusPage.render(status, false, true, "n");
        assertTrue(html.contains("data-phase=\"copying\" data-copy-paused=\"true\" data-copy-throttled=\"true\" "), html);
        assertTrue(html.contains("<body data-token-required=\"false\" data-cutover-disabled=\"true\">"), html);
    }
}
