package io.cattlepi.ci.controller.http;

/** HTML escaping and the page frame shared by every UI page (mobile-friendly, no external assets). */
final class Html {
    private Html() {
    }

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
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
                @media (max-width:40rem){.wide{display:none}th,td{padding:.3rem .25rem}body{padding:0 .5rem 2rem}}
                </style></head><body>
                <header><h1>CattlePi CI</h1><a href="/">Rack</a><a href="/builds">Builds</a></header>
                %s
                </body></html>
                """.formatted(esc(title), body);
    }
}
