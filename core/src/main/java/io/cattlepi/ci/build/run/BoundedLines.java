package io.cattlepi.ci.build.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a process's output into lines without ever holding more than one line's bound in memory:
 * a longer line is cut at the bound, with a marker saying how much was left out (the rest is read
 * and counted, never kept). A recipe that prints 100 MB without a newline costs the controller
 * its bound, not its heap. Bytes that are not UTF-8 become replacement characters.
 */
final class BoundedLines {
    private static final int CHUNK = 8192;

    private final int maxBytes;

    BoundedLines(int maxBytes) {
        if (maxBytes < 80) {
            throw new IllegalArgumentException("a line bound under 80 bytes would cut ordinary lines: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Reads {@code in} to its end, handing each line to {@code lines}. */
    void read(InputStream in, Consumer<String> lines) throws IOException {
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[maxBytes];
        int kept = 0;
        long dropped = 0;
        int n;
        while ((n = in.read(chunk)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    lines.accept(text(line, kept, dropped));
                    kept = 0;
                    dropped = 0;
                } else if (kept < maxBytes) {
                    line[kept++] = b;
                } else {
                    dropped++;
                }
            }
        }
        if (kept > 0 || dropped > 0) {
            lines.accept(text(line, kept, dropped));
        }
    }

    private static String text(byte[] line, int kept, long dropped) {
        int end = kept > 0 && line[kept - 1] == '\r' ? kept - 1 : kept;
        String s = new String(line, 0, end, StandardCharsets.UTF_8);
        return dropped == 0 ? s : s + " […line cut: " + dropped + " more bytes]";
    }
}
