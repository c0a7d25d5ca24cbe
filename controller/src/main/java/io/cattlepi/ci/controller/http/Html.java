package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.untrusted.Printable;

/**
 * HTML escaping and the page frame shared by every UI page (mobile-friendly, no external assets).
 * Values from outside (refs, descriptions, reasons quoting a payload) may hold anything: escaping
 * also shows NUL, other controls and bidi overrides as visible escapes, so none can hide or reorder
 * what is around it, and {@link #clip} shows long values shortened, the whole value on hover.
 */
public final class Html {
    private Html() {
    }

    public static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t', '\n', '\r' -> out.append((char) c);
                default -> {
                    if (Printable.isNeutralised(c)) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@link #esc} for text content, cut to {@code max} characters with the whole value in a tooltip. */
    static String clip(Object value, int max) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (s.length() <= max) {
            return esc(s);
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return "<span class=clipped title=\"" + esc(s) + "\">" + esc(s.substring(0, end)) + "…</span>";
    }

    static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · CattlePi CI</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:0;padding:0 1rem 2rem;max-width:72rem}
                header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;border-bottom:1px solid #ccc;margin-bottom:1rem}
                header a{text-decoration:none}
                table{border-collapse:collapse;width:100%%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
                .state{font-weight:600;padding:.1rem .4rem;border-radius:.3rem;background:#eee}
                .ready,.success{background:#c8f0c8}.building,.running,.scheduled,.autobuild,.pending{background:#cfe3ff}
                .rebuild,.queued,.finishing,.waiting{background:#fff3c4}.unknown,.failure,.error{background:#ffd6d6}
                .notice{background:#fff3c4;border:1px solid #b80;padding:.5rem}
                .maintenance,.retired,.rejected{background:#ddd}
                pre#log{background:#111;color:#ddd;padding:.5rem;overflow-x:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all}
                .warning{background:#ffd6d6;border:1px solid #c00;padding:.5rem;font-weight:600}
                .marked{background:#ffd6d6;border-left:4px solid #c00;padding:.3rem .5rem;font-family:monospace;overflow-wrap:anywhere}
                .muted{color:#666;font-size:.85rem;overflow-wrap:anywhere}
                .passed{background:#c8f0c8}.failed{background:#ffd6d6}.skipped{background:#ddd}
                .beside{display:grid;grid-template-columns:minmax(0,1fr);gap:0 1.5rem}
                @media (min-width:60rem){.beside.two{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
                .addr{white-space:nowrap}.swatch{white-space:nowrap;margin-right:.4rem}
                .tl-row{display:grid;grid-template-columns:4.5rem minmax(0,1fr) 13rem;gap:.2rem .5rem;align-items:center;margin:.25rem 0}
                .tl-name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
                svg.tl-bar{display:block;width:100%%;height:16px}.tl-axis{display:flex;justify-content:space-between}
                .spark{display:inline-flex;align-items:center;gap:.3rem;white-space:nowrap}
                svg.duration-chart{display:block;width:100%%;height:140px;border-left:1px solid #999}.chart-max{font-size:.75rem}
                .step-row{display:grid;grid-template-columns:minmax(0,16rem) minmax(0,1fr) 7rem;gap:.5rem;align-items:center;margin:.2rem 0}
                .step-row code{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}svg.step-bar{display:block;width:100%%;height:12px}
                @media (max-width:40rem){.tl-row{grid-template-columns:3.5rem minmax(0,1fr)}.tl-row .spark{grid-column:2}
                .step-row{grid-template-columns:minmax(0,7rem) minmax(0,1fr) 4.5rem}}
                @media (max-width:40rem){.wide{display:none}th,td{padding:.3rem .25rem}body{padding:0 .5rem 2rem}}
                </style></head><body>
                <header><h1>CattlePi CI</h1><a href="/">Rack</a><a href="/builds">Builds</a></header>
                %s
                </body></html>
                """.formatted(esc(title), body);
    }
}
