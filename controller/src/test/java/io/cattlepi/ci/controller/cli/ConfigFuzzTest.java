package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.peers.HostileInput;
import io.cattlepi.ci.peers.StackTraceWatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 1,000 generated config files through {@code config check}, from a seeded generator
 * ({@code -Dfuzz.seed=N} replays): the example with fields replaced, removed or added, every string
 * hostile, every known field given a wrong value, and broken bytes (cut short, non-UTF-8, BOM,
 * nesting, huge numbers and strings, a second document). Each must end in exit 0, or exit 2 with
 * only {@code FILE: $.path: what} lines; never a stack trace, never the "could not be checked" net.
 */
class ConfigFuzzTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "buildcontrol.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROBLEM = Pattern.compile("\\S+: \\$[^:]*: .+");

    @TempDir
    Path dir;

    @Test
    void aThousandGeneratedConfigsEndInASummaryOrOneLinePerProblem() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20251115L);
        HostileInput in = new HostileInput(seed);
        ObjectNode example = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
        List<String> fields = new ArrayList<>();
        example.path("config").path("buildcontrol").fieldNames().forEachRemaining(fields::add);
        fields.addAll(List.of("build_steps", "autobuild_steps", "store_path", "workspace_dir", "http_host", "http_port",
                "host_key_policy", "trusted_associations", "allowed_repositories", "push_branches", "endpoints",
                "event_retention_days", "event_retention_max", "visibility_timeout_s", "build_sandbox", "clone_base",
                "raspbian_location", "workers_config_device", "ssh_user", "status_context", "aws_region", "public_url"));
        Map<String, Map<Integer, Integer>> outcomes = new TreeMap<>();
        Map<String, Integer> firstProblems = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        int files = 0;
        try (StackTraceWatch watch = StackTraceWatch.start()) {
            for (int i = 0; i < 1050; i++) {
                String kind;
                byte[] bytes;
                ObjectNode doc = example.deepCopy();
                ObjectNode bc = (ObjectNode) doc.path("config").path("buildcontrol");
                switch (i % 6) {
                    case 0 -> {
                        kind = "fields mutated";
                        bc.setAll(in.mutate(bc, in.between(1, 5)));
                        bytes = JSON.writeValueAsBytes(doc);
                    }
                    case 1 -> {
                        kind = "every string hostile";
                        doc.set("config", JSON.createObjectNode().set("buildcontrol", in.everyStringHostile(bc, 2000)));
                        bytes = JSON.writeValueAsBytes(doc);
                    }
                    case 2, 3 -> {
                        kind = "a known field hostile";
                        for (int n = in.between(1, 3); n > 0; n--) {
                            bc.set(in.oneOf(fields), in.value(2));
                        }
                        bytes = JSON.writeValueAsBytes(in.random().nextBoolean() ? doc : bc);
                    }
                    case 4 -> {
                        kind = "a known field's string hostile";
                        bc.put(in.oneOf(fields), in.string());
                        bytes = JSON.writeValueAsBytes(doc);
                    }
                    default -> {
                        kind = "broken bytes";
                        bytes = brokenBytes(in, JSON.writeValueAsBytes(doc));
                    }
                }
                Path f = dir.resolve("config-" + i + ".json");
                Files.write(f, bytes);
                ConfigChecks.Run r = ConfigChecks.check(f);
                files++;
                outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(r.code(), 1, Integer::sum);
                String problem = judge(f, r, failures);
                if (problem != null) {
                    firstProblems.merge(problem, 1, Integer::sum);
                }
                Files.delete(f);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            StringBuilder report = new StringBuilder("config fuzz, seed " + seed + ": " + files + " files in "
                    + took.toSeconds() + " s\n");
            outcomes.forEach((k, v) -> report.append(String.format("  %-35s exit %s%n", k, v)));
            report.append("  most frequent first problems: ");
            firstProblems.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12)
                    .forEach(e -> report.append(e.getKey()).append(" ×").append(e.getValue()).append("; "));
            report.append("\n  stack traces: ").append(watch.stackTraces()).append('\n');
            System.out.print(report);
            assertTrue(files >= 1000);
            assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), failures.size() + " failures");
            assertEquals(0, watch.stackTraces(), "stack traces: " + watch.samples());
        }
    }

    /** Records what is wrong with the answer, if anything; returns the first problem's field and words. */
    private static String judge(Path file, ConfigChecks.Run r, List<String> failures) {
        if (r.code() == 0) {
            if (!r.err().isBlank()) {
                failures.add(file + ": exit 0 with errors: " + r.err());
            }
            return null;
        }
        if (r.code() != 2) {
            failures.add(file + ": exit " + r.code() + ": " + r.err());
            return null;
        }
        String[] lines = r.err().strip().split("\n");
        for (String line : lines) {
            if (!PROBLEM.matcher(line).matches() || line.contains("could not be checked") || line.contains("Exception")) {
                failures.add(line.length() > 300 ? line.substring(0, 300) : line);
            }
        }
        String first = lines[0].substring(lines[0].indexOf(": ") + 2);
        int colon = first.indexOf(": ");
        String words = first.substring(colon + 2);
        return first.substring(0, colon).replaceAll("\\[\\d+]", "[]") + ": "
                + words.substring(0, Math.min(28, words.length()));
    }

    private static byte[] brokenBytes(HostileInput in, byte[] doc) {
        return switch (in.between(0, 9)) {
            case 0 -> java.util.Arrays.copyOf(doc, in.random().nextInt(doc.length));
            case 1 -> {
                byte[] b = doc.clone();
                b[in.random().nextInt(b.length)] = (byte) 0xff;
                yield b;
            }
            case 2 -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, doc);
            case 3 -> in.nested(in.between(50, 50_000)).getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"job_timeout_s\": " + "7".repeat(in.between(10, 5000)) + "}").getBytes(StandardCharsets.UTF_8);
            case 5 -> concat(doc, "\n{\"config\": {}}".getBytes(StandardCharsets.UTF_8));
            case 6 -> ("{\"gh_user\": \"" + "u".repeat(in.between(100_000, 400_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 7 -> in.bytes(in.between(0, 5000));
            case 8 -> new String(doc, StandardCharsets.UTF_8).replace("\"aws_ak\"", "\"aws_ak\": 1, \"aws_ak\"")
                    .getBytes(StandardCharsets.UTF_16);
            default -> new String(doc, StandardCharsets.UTF_8).replaceFirst(",", ",\"aws_sk\": \"dup\",")
                    .getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
