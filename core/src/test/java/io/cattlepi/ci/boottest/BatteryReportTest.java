package io.cattlepi.ci.boottest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.BuildResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A battery's report: JUnit XML any viewer reads, the summary people read, and the JSON the UI reads back. */
class BatteryReportTest {
    @TempDir
    Path dir;

    private static BatteryReport report() {
        return new BatteryReport("b-1", "raspbian_cattlepi", "pi-1", "a".repeat(40), Instant.parse("2026-11-30T10:00:00Z"),
                BuildResult.FAILURE, "1 passed, 1 failed, 1 not run: 20-selftest, 30-slow",
                2.5, List.of(new BatteryReport.Image("rootfs.sqsh", "0".repeat(32), 10240)),
                List.of(new TestResult("10-boot", TestResult.Verdict.PASSED, 0, 0.2, "", "booted\n"),
                        new TestResult("20-selftest", TestResult.Verdict.FAILED, 1, 0.3, "exit code 1",
                                "self-test: broken \u0007<&>\n"),
                        TestResult.skipped("30-slow", "the boot test's 30s ran out")));
    }

    @Test
    void theJunitXmlNamesTheFailingTestAndIsWellFormedWhateverATestPrinted() throws Exception {
        report().write(dir);
        byte[] xml = Files.readAllBytes(dir.resolve(BatteryReport.XML_NAME));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("3", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("skipped"));
        NodeList cases = doc.getElementsByTagName("testcase");
        Element failing = (Element) cases.item(1);
        assertEquals("20-selftest", failing.getAttribute("name"));
        Element failure = (Element) failing.getElementsByTagName("failure").item(0);
        assertEquals("exit code 1", failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("broken \\x07<&>"), failure.getTextContent());
        assertEquals(1, ((Element) cases.item(2)).getElementsByTagName("skipped").getLength());
    }

    @Test
    void theSummaryAndTheUiReadTheSameResults() throws Exception {
        report().write(dir);
        String text = Files.readString(dir.resolve(BatteryReport.TEXT_NAME), StandardCharsets.UTF_8);
        assertTrue(text.contains("Result: failure"), text);
        assertTrue(text.contains("FAILED  20-selftest"), text);
        assertTrue(text.contains("--- output of 20-selftest ---"), text);
        BatteryReport back = BatteryReport.read(dir).orElseThrow();
        assertEquals(report().tests(), back.tests());
        assertEquals(BuildResult.FAILURE, back.result());
        assertEquals(2.5, back.bootSeconds());
    }
}
