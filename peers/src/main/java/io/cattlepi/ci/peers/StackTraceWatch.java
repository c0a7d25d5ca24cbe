package io.cattlepi.ci.peers;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts, while open, what would mean an input was not handled: stack traces written to standard
 * error (where slf4j-simple logs) and exceptions no thread caught. Everything still reaches the
 * real standard error; the first few offending lines are kept for the failure message.
 */
public final class StackTraceWatch implements AutoCloseable {
    private final PrintStream original = System.err;
    private final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    private final AtomicInteger traces = new AtomicInteger();
    private final AtomicInteger uncaught = new AtomicInteger();
    private final List<String> samples = new ArrayList<>();

    private StackTraceWatch() {
        System.setErr(new PrintStream(new LineScanner(original), true, StandardCharsets.UTF_8));
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            uncaught.incrementAndGet();
            sample("uncaught in " + t.getName() + ": " + e);
        });
    }

    public static StackTraceWatch start() {
        return new StackTraceWatch();
    }

    /** Stack traces seen: one per "Exception"/"Error" line followed by "at" lines, counted at its first frame. */
    public int stackTraces() {
        return traces.get();
    }

    public int uncaughtExceptions() {
        return uncaught.get();
    }

    public synchronized List<String> samples() {
        return List.copyOf(samples);
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    private synchronized void sample(String line) {
        if (samples.size() < 20) {
            samples.add(line.length() > 300 ? line.substring(0, 300) : line);
        }
    }

    /** Passes bytes through and looks at whole lines. */
    private final class LineScanner extends OutputStream {
        private final PrintStream out;
        private final StringBuilder line = new StringBuilder();
        private String previousLine = "";

        LineScanner(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) {
            out.write(b);
            if (b == '\n') {
                String l = line.toString();
                if (l.startsWith("\tat ") && !previousLine.startsWith("\tat ")) {
                    traces.incrementAndGet();
                    sample(previousLine);
                }
                previousLine = l;
                line.setLength(0);
            } else if (line.length() < 1000) {
                line.append((char) b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
