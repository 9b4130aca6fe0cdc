package dev.ferry.runtime.control;

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
                PrometheusTextTest.table("shop.users", 20, 20, "done"))), false, "abc");
        assertTrue(html.contains("<tr class=\"table-row\" data-table=\"shop.orders\"><td class=\"table-name\">shop.orders</td>"), html);
        assertTrue(html.contains("<progress class=\"table-progress\" value=\"150\" max=\"1000\" data-rows-copied=\"150\" data-estimated-rows=\"1000\">15.0%</progress>"), html);
        assertTrue(html.contains("<progress class=\"table-progress\" value=\"20\" max=\"20\" data-rows-copied=\"20\" data-estimated-rows=\"20\">100.0%</progress>"), html);
        assertTrue(html.contains("<td class=\"num rows-copied\">150</td><td class=\"num rows-estimated\">1,000</td>"), html);
        assertTrue(html.contains("<span id=\"copy-throttle\" class=\"warn\">throttled: paused by operator</span>"), html);
        assertTrue(html.contains("<code id=\"applied-position\">bin.000003:4242</code>"), html);
        assertTrue(html.contains("<span id=\"applier-queued\">7</span> items queued"), html);
        assertTrue(html.contains("<script nonce=\"abc\">"), html);
        assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"3\">"), html);
        assertFalse(html.contains("${"), "every placeholder is filled");
    }

    @Test
    void escapesWhatComesFromTheServers()
    {
        String html = StatusPage.render(PrometheusTextTest.status(List.of(
                PrometheusTextTest.table("shop.<script>alert(1)</script>", 0, 10, "waiting"))), true, "n");
        assertFalse(html.contains("<script>alert(1)"), html);
        assertTrue(html.contains("shop.&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(html.contains("every POST needs <code>Authorization: Bearer &lt;token&gt;</code>"), html);
        assertEquals("&amp;&lt;&gt;&quot;&#39;", StatusPage.escape("&<>\"'"));
    }
}
