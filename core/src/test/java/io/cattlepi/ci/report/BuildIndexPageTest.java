package io.cattlepi.ci.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.report.BuildIndexPage.Entry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildIndexPageTest {
    @Test
    void hostileNamesAndFactsAreEscaped() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Branch", "<img src=x onerror=alert(1)>");
        facts.put("Commit", "0123abc");
        String html = BuildIndexPage.render("Build <b>1</b>",
                List.of(new Entry("<script>.txt", UrlPath.encode("<script>.txt"), 12),
                        new Entry("a\"onmouseover=\"alert(1).log", UrlPath.encode("a\"onmouseover=\"alert(1).log"), 5)),
                facts);

        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>1"), html);
        assertFalse(html.contains("\"onmouseover"), html);
        assertTrue(html.contains("&lt;script&gt;.txt"), html);
        assertTrue(html.contains("href=\"%3Cscript%3E.txt\""), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
        assertTrue(html.indexOf("Branch") < html.indexOf("Commit"), "facts keep their order");
    }

    @Test
    void controlAndBidiCharactersInNamesAreShownAsEscapes() {
        String html = BuildIndexPage.render("t", List.of(new Entry("report\u202etxt.exe\u0000\nx", "a.log", 1)), Map.of());
        assertFalse(html.contains("\u202e") || html.contains("\u0000"), html);
        assertTrue(html.contains(">report\\u202etxt.exe\\u0000\\nx</a>"), html);
    }

    @Test
    void pageIsMobileFriendlyAndAllowsNoScript() {
        String html = BuildIndexPage.render("Build b-1", List.of(), Map.of());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        assertTrue(html.contains("default-src 'none'"));
        assertTrue(html.contains("No files published."));
    }

    @Test
    void onlyRelativeAndHttpLinksSurvive() {
        String html = BuildIndexPage.render("t", List.of(
                new Entry("js", "javascript:alert(1)", 1),
                new Entry("data", "DATA:text/html,x", 1),
                new Entry("ok", "https://example.org/a", 1),
                new Entry("rel", "dir/a.log", 1)), Map.of());
        assertFalse(html.toLowerCase().contains("javascript:"), html);
        assertFalse(html.toLowerCase().contains("data:"), html);
        assertTrue(html.contains("href=\"https://example.org/a\""));
        assertTrue(html.contains("href=\"dir/a.log\""));
    }

    @Test
    void sizesReadLikeAHuman() {
        assertEquals("0 B", BuildIndexPage.humanSize(0));
        assertEquals("1023 B", BuildIndexPage.humanSize(1023));
        assertEquals("1.5 KiB", BuildIndexPage.humanSize(1536));
        assertEquals("2.0 GiB", BuildIndexPage.humanSize(2L << 30));
    }

    @Test
    void contentTypesFollowTheName() {
        assertEquals("text/plain; charset=utf-8", ContentTypes.forName("build.log"));
        assertEquals("text/plain; charset=utf-8", ContentTypes.forName("notes.TXT"));
        assertEquals("text/html; charset=utf-8", ContentTypes.forName("index.html"));
        assertEquals("application/json", ContentTypes.forName("result.json"));
        assertEquals("application/octet-stream", ContentTypes.forName("Makefile"));
        assertEquals("application/octet-stream", ContentTypes.forName("image.img"));
        assertEquals("application/octet-stream", ContentTypes.forName(".hidden"));
        // a page a build wrote must not run on the bucket's origin
        assertEquals("text/plain; charset=utf-8", ContentTypes.forArtifact("report/evil.html"));
        assertEquals("text/plain; charset=utf-8", ContentTypes.forArtifact("x.svg"));
        assertEquals("application/json", ContentTypes.forArtifact("result.json"));
    }
}
