package io.cattlepi.ci.build.run;

import io.cattlepi.ci.secret.Secret;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * A build's log: lines from every source (steps' stdout and stderr, the controller's own notes)
 * in arrival order, each stamped with UTC time, flushed line by line so the uploader publishes
 * progress. Any configured secret that shows up in a line is masked before it is written.
 */
public final class BuildLog implements AutoCloseable {
    private final Clock clock;
    private final BufferedWriter out;
    private final List<String> secrets;

    public BuildLog(Path file, Clock clock, List<Secret> secrets) throws IOException {
        this.clock = clock;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.secrets = secrets.stream().map(Secret::reveal).filter(s -> s.length() >= 4).toList();
    }

    /** A line of the controller's own (checkout, step boundaries, results). */
    public void note(String text) {
        line("ci", text);
    }

    /** One line from {@code source} ("out", "err", "git", "ci"). */
    public synchronized void line(String source, String text) {
        String masked = text;
        for (String s : secrets) {
            masked = masked.replace(s, "****");
        }
        try {
            out.write(clock.instant().toString());
            out.write(' ');
            out.write(source);
            out.write(" | ");
            out.write(masked);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            // A full disk must not kill the build's bookkeeping; the result still gets reported.
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
