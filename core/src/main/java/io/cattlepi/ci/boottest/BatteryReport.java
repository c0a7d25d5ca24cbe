package io.cattlepi.ci.boottest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.BuildResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A battery's results as files in the build's folder, published with its log: {@code boot-test.xml}
 * (JUnit's XML, for tools), {@code boot-test.txt} (for people) and {@code boot-test.json} (what the
 * UI shows). Rewritten as the battery goes, so a battery cut short still leaves what it found.
 *
 * @param result      null while it runs
 * @param bootSeconds from the reboot to the built image answering, or -1 when it did not boot
 * @param images      the images booted, with their md5sums
 */
public record BatteryReport(String buildId, String recipe, String pi, String commit, Instant started,
                            BuildResult result, String description, double bootSeconds, List<Image> images,
                            List<TestResult> tests) {
    public static final String JSON_NAME = "boot-test.json";
    public static final String XML_NAME = "boot-test.xml";
    public static final String TEXT_NAME = "boot-test.txt";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One image the Pi was pointed at. */
    public record Image(String name, String md5sum, long bytes) {
    }

    public BatteryReport {
        images = List.copyOf(images);
        tests = List.copyOf(tests);
        description = description == null ? "" : description;
    }

    public long passed() {
        return tests.stream().filter(t -> t.verdict() == TestResult.Verdict.PASSED).count();
    }

    public long failed() {
        return tests.stream().filter(t -> t.verdict() == TestResult.Verdict.FAILED).count();
    }

    public long skipped() {
        return tests.stream().filter(t -> t.verdict() == TestResult.Verdict.SKIPPED).count();
    }

    public double seconds() {
        return Math.max(0, bootSeconds) + tests.stream().mapToDouble(TestResult::seconds).sum();
    }

    /** Writes the three files, each replaced whole (the UI and the uploader may read them at any moment). */
    public void write(Path folder) throws IOException {
        replace(folder.resolve(JSON_NAME), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
        replace(folder.resolve(XML_NAME), junit().getBytes(StandardCharsets.UTF_8));
        replace(folder.resolve(TEXT_NAME), summary().getBytes(StandardCharsets.UTF_8));
    }

    /** The report a build's folder holds, if any (the UI). */
    public static Optional<BatteryReport> read(Path folder) {
        Path file = folder.resolve(JSON_NAME);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            List<Image> images = new ArrayList<>();
            for (JsonNode i : n.path("images")) {
                images.add(new Image(i.path("name").asText(), i.path("md5sum").asText(), i.path("bytes").asLong()));
            }
            List<TestResult> tests = new ArrayList<>();
            for (JsonNode t : n.path("tests")) {
                tests.add(new TestResult(t.path("name").asText(), TestResult.Verdict.fromWire(t.path("verdict").asText()),
                        t.path("exitCode").asInt(-1), t.path("seconds").asDouble(), t.path("message").asText(""),
                        t.path("output").asText("")));
            }
            String result = n.path("result").isTextual() ? n.path("result").asText() : null;
            return Optional.of(new BatteryReport(n.path("build").asText(), n.path("recipe").asText(),
                    n.path("pi").asText(), n.path("commit").asText(), Instant.parse(n.path("started").asText()),
                    BuildResult.fromWire(result), n.path("description").asText(), n.path("bootSeconds").asDouble(-1),
                    images, tests));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("build", buildId);
        n.put("recipe", recipe);
        n.put("pi", pi);
        n.put("commit", commit);
        n.put("started", started.toString());
        n.put("result", result == null ? null : result.wireName());
        n.put("description", description);
        n.put("bootSeconds", round(bootSeconds));
        ArrayNode is = n.putArray("images");
        for (Image i : images) {
            is.addObject().put("name", i.name()).put("md5sum", i.md5sum()).put("bytes", i.bytes());
        }
        ArrayNode ts = n.putArray("tests");
        for (TestResult t : tests) {
            ts.addObject().put("name", t.name()).put("verdict", t.verdict().wireName()).put("exitCode", t.exitCode())
                    .put("seconds", round(t.seconds())).put("message", t.message()).put("output", t.output());
        }
        return n;
    }

    /** JUnit's XML as Jenkins, GitLab and most report viewers read it: one suite, a case per test. */
    String junit() {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "cattlepi-ci boot test");
            counts(x);
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "boot-test." + recipe);
            counts(x);
            x.writeAttribute("timestamp", started.toString());
            x.writeAttribute("hostname", pi);
            x.writeCharacters("\n    ");
            x.writeStartElement("properties");
            property(x, "build", buildId);
            property(x, "commit", commit);
            property(x, "pi", pi);
            property(x, "result", result == null ? "running" : result.wireName());
            property(x, "description", description);
            property(x, "boot.seconds", Double.toString(round(bootSeconds)));
            for (Image i : images) {
                property(x, i.name() + ".md5sum", i.md5sum());
            }
            x.writeCharacters("\n    ");
            x.writeEndElement();
            for (TestResult t : tests) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "boot-test." + recipe);
                x.writeAttribute("name", clean(t.name()));
                x.writeAttribute("time", Double.toString(round(t.seconds())));
                switch (t.verdict()) {
                    case FAILED -> {
                        x.writeStartElement("failure");
                        x.writeAttribute("message", clean(t.message()));
                        x.writeAttribute("type", t.exitCode() >= 0 ? "exit " + t.exitCode() : "timeout");
                        x.writeCharacters(clean(t.output()));
                        x.writeEndElement();
                    }
                    case SKIPPED -> {
                        x.writeStartElement("skipped");
                        x.writeAttribute("message", clean(t.message()));
                        x.writeEndElement();
                    }
                    case PASSED -> { }
                }
                if (!t.output().isEmpty()) {
                    x.writeStartElement("system-out");
                    x.writeCharacters(clean(t.output()));
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to a string cannot fail", e);
        }
        return out + "\n";
    }

    private void counts(XMLStreamWriter x) throws XMLStreamException {
        x.writeAttribute("tests", Integer.toString(tests.size()));
        x.writeAttribute("failures", Long.toString(failed()));
        // A battery that could not run its tests (the image never booted) is an error of the suite.
        x.writeAttribute("errors", result == BuildResult.ERROR ? "1" : "0");
        x.writeAttribute("skipped", Long.toString(skipped()));
        x.writeAttribute("time", Double.toString(round(seconds())));
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeCharacters("\n      ");
        x.writeEmptyElement("property");
        x.writeAttribute("name", clean(name));
        x.writeAttribute("value", clean(value == null ? "" : value));
    }

    /** The readable summary. */
    String summary() {
        StringBuilder b = new StringBuilder();
        b.append("Boot test of ").append(recipe).append(" for build ").append(buildId).append(" (commit ")
                .append(commit).append(") on ").append(pi).append('\n');
        b.append("Result: ").append(result == null ? "running" : result.wireName()).append(" - ").append(description)
                .append('\n');
        for (Image i : images) {
            b.append("Image ").append(i.name()).append(": md5sum ").append(i.md5sum()).append(", ").append(i.bytes())
                    .append(" bytes\n");
        }
        b.append(bootSeconds < 0 ? "Did not boot the built image.\n"
                : String.format(Locale.ROOT, "Booted the built image in %.1f s.%n", bootSeconds));
        b.append(String.format(Locale.ROOT, "%d tests: %d passed, %d failed, %d skipped%n", tests.size(), passed(),
                failed(), skipped()));
        for (TestResult t : tests) {
            b.append(String.format(Locale.ROOT, "  %-7s %-40s %7.2f s  %s%n", t.verdict().wireName().toUpperCase(Locale.ROOT),
                    t.name(), t.seconds(), t.message()));
        }
        for (TestResult t : tests) {
            if (t.verdict() == TestResult.Verdict.FAILED && !t.output().isEmpty()) {
                b.append("\n--- output of ").append(t.name()).append(" ---\n").append(t.output());
                if (!t.output().endsWith("\n")) {
                    b.append('\n');
                }
            }
        }
        return b.toString();
    }

    /** XML 1.0 has no place for most control characters: a test's output may hold any. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD
                    || c >= 0x10000 && c <= 0x10FFFF;
            if (ok) {
                b.appendCodePoint(c);
            } else {
                b.append("\\x").append(String.format("%02x", c));
            }
        });
        return b.toString();
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    private static void replace(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(content);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
