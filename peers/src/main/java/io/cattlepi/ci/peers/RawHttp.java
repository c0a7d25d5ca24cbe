package io.cattlepi.ci.peers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what well-behaved clients never send: broken chunked framing,
 * bodies cut short, raw bytes in headers. One request per connection; the answer is read until
 * its length is reached or the server closes.
 */
public final class RawHttp {
    /**
     * A server's answer; {@code status} -1 when the connection closed (or timed out) without one.
     *
     * @param headers lower-cased names
     */
    public record Answer(int status, Map<String, String> headers, String body) {
        public boolean answered() {
            return status > 0;
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} as it is, half-closes when {@code halfClose}, and reads the answer within {@code timeout}. */
    public static Answer exchange(int port, byte[] request, boolean halfClose, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer and close before reading everything: read what it said.
            }
            return read(s.getInputStream());
        }
    }

    /** A request with these headers ({@code Host} and {@code Connection: close} added) and body bytes as given. */
    public static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Reads one answer: status line, headers, then a body by Content-Length, chunks, or until close. */
    public static Answer read(InputStream in) throws IOException {
        String status;
        try {
            status = line(in);
        } catch (SocketTimeoutException e) {
            return new Answer(-1, Map.of(), "");
        }
        if (status == null || !status.startsWith("HTTP/1.")) {
            return new Answer(-1, Map.of(), status == null ? "" : status);
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int n = Integer.parseInt(line(in).split(";")[0].trim(), 16); n > 0;
                     n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(n));
                    line(in);
                }
            } else if (code >= 200 && code != 204 && code != 304) {
                body.write(in.readAllBytes());
            }
        } catch (IOException | RuntimeException e) {
            // What arrived before the server cut the body is still its answer.
        }
        return new Answer(code, Map.copyOf(headers), body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
