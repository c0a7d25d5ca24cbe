package io.cattlepi.ci.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a JVM in the middle of a stream of transactions and checks the file is consistent. */
class StoreCrashTest {
    @TempDir
    Path dir;

    @Test
    void sigkillMidStreamLeavesEveryTransactionWholeOrAbsent() throws Exception {
        Path file = dir.resolve("state.db");
        for (int round = 0; round < 3; round++) {
            long lastPrinted = runChildAndKillAfter(file, 150 + round * 37);
            try (Store store = Store.open(file, Clock.systemUTC())) {
                int counter = store.read(tx -> tx.worker("pi-1").orElseThrow().health().resets());
                String buildTick = store.read(tx -> tx.build("b1").orElseThrow().description());
                List<Event> ticks = store.read(tx -> tx.events(Event.WORKER, "pi-1", 1_000_000)).stream()
                        .filter(e -> e.kind().equals("tick")).toList();
                // A printed tick was committed, so it survived; whatever committed after it is whole.
                assertTrue(counter >= lastPrinted, "lost a committed transaction: " + counter + " < " + lastPrinted);
                assertEquals("tick " + counter, buildTick);
                assertEquals(counter, ticks.size());
                assertEquals(Integer.toString(counter), ticks.get(ticks.size() - 1).detail());
            }
        }
    }

    private static long runChildAndKillAfter(Path file, int ticks) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long last = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int seen = 0;
            String line;
            while (seen < ticks && (line = out.readLine()) != null) {
                last = Long.parseLong(line.trim());
                seen++;
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close()
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertTrue(seen == ticks, "child stopped early after " + seen + " ticks");
        }
        return last;
    }
}
