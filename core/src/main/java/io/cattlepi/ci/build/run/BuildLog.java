package io.cattlepi.ci.build.run;

import io.cattlepi.ci.secret.Redactor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * A build's log: lines from every source (steps' stdout and stderr, the controller's own notes)
 * in arrival order, each stamped with UTC time, flushed line by line so the uploader publishes
 * progress. Any configured secret that shows up in a line, in any form the redactor knows, is
 * masked before it is written.
 */
public final class BuildLog implements StepOutput, AutoCloseable {
    private final Clock clock;
    private final BufferedWriter out;
    private final Redactor redactor;

    public BuildLog(Path file, Clock clock, Redactor redactor) throws IOException {
        this.clock = clock;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.redactor = redactor;
    }

    /** A line of the controller's own (checkout, step boundaries, results). */
    public void note(String text) {
        line("ci", text);
    }

    /**
     * One line from {@code source} ("out", "err", "git", "ci"). Control characters are written as
     * escapes: a ref or file name with a newline in it cannot forge a line of the controller's.
     */
    @Override
    public synchronized void line(String source, String text) {
        String masked = LogText.escape(redactor.redact(text));
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
