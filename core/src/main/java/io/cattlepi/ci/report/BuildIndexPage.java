package io.cattlepi.ci.report;

import io.cattlepi.ci.untrusted.Printable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code index.html} listing one build's published files. File names come from untrusted
 * repositories, so every text and attribute is HTML-escaped, links may only be relative or http(s),
 * and the page forbids scripts through its Content-Security-Policy.
 */
public final class BuildIndexPage {
    /** One listed file; {@code href} relative to the page or absolute http(s). */
    public record Entry(String name, String href, long sizeBytes) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(href, "href");
        }
    }

    /** A line of the log the result rules matched: shown marked above the files. */
    public record Marked(String step, String rule, String line) {
    }

    private BuildIndexPage() {
    }

    /** A complete HTML document; {@code facts} (e.g. build, commit, result) are shown above the list in their order. */
    public static String render(String title, List<Entry> files, Map<String, String> facts) {
        return render(title, files, facts, List.of());
    }

    /** The same, with the log lines that decided the result marked. */
    public static String render(String title, List<Entry> files, Map<String, String> facts, List<Marked> marked) {
        StringBuilder h = new StringBuilder(2048);
        h.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
                <title>""").append(escape(title)).append("""
                </title>
                <style>
                body{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem;line-height:1.4}
                dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
                table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}
                td.size{text-align:right;white-space:nowrap}a{word-break:break-all}
                .marked{background:#ffd6d6;border-left:4px solid #c00;padding:.3rem .5rem;font-family:monospace;white-space:pre-wrap;word-break:break-all}
                </style>
                </head>
                <body>
                """);
        h.append("<h1>").append(escape(title)).append("</h1>\n");
        if (facts != null && !facts.isEmpty()) {
            h.append("<dl>\n");
            facts.forEach((k, v) -> h.append("<dt>").append(escape(k)).append("</dt><dd>")
                    .append(escape(v)).append("</dd>\n"));
            h.append("</dl>\n");
        }
        if (!marked.isEmpty()) {
            h.append("<h2>Lines that decided the result</h2>\n");
            for (Marked m : marked) {
                h.append("<p class=\"marked\">").append(escape(m.line())).append("<br><small>").append(escape(m.rule()))
                        .append(" · ").append(escape(m.step())).append("</small></p>\n");
            }
        }
        if (files.isEmpty()) {
            h.append("<p>No files published.</p>\n");
        } else {
            h.append("<table>\n<thead><tr><th>File</th><th>Size</th></tr></thead>\n<tbody>\n");
            for (Entry e : files) {
                h.append("<tr><td><a href=\"").append(escape(safeHref(e.href()))).append("\">")
                        .append(escape(e.name())).append("</a></td><td class=\"size\">")
                        .append(escape(humanSize(e.sizeBytes()))).append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /**
     * Escapes the five characters that matter in HTML text and quoted attributes, and shows NUL,
     * other controls and bidi overrides as visible escapes (a file name must not hide or reorder
     * what is around it).
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t' -> out.append('\t');
                default -> {
                    if (Printable.isNeutralised(c)) {
                        out.append(Printable.of(new String(Character.toChars(c))));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A scheme other than http(s) ({@code javascript:}, {@code data:}) becomes a dead link. */
    private static String safeHref(String href) {
        int colon = href.indexOf(':');
        int slash = href.indexOf('/');
        boolean hasScheme = colon >= 0 && (slash < 0 || colon < slash);
        if (!hasScheme) {
            return href;
        }
        String scheme = href.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? href : "#";
    }

    static String humanSize(long bytes) {
        if (bytes < 0) {
            return "";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
