package io.cattlepi.ci.report;

import java.util.Locale;
import java.util.Map;

/** The Content-Type a published file is served with, chosen from its name so browsers show logs instead of downloading them. */
public final class ContentTypes {
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";
    public static final String JSON = "application/json";
    public static final String BINARY = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("log", TEXT), Map.entry("txt", TEXT), Map.entry("out", TEXT), Map.entry("err", TEXT),
            Map.entry("md", TEXT), Map.entry("sh", TEXT), Map.entry("cfg", TEXT), Map.entry("conf", TEXT),
            Map.entry("ini", TEXT), Map.entry("yml", TEXT), Map.entry("yaml", TEXT), Map.entry("diff", TEXT),
            Map.entry("patch", TEXT), Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("html", HTML), Map.entry("htm", HTML), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("json", JSON), Map.entry("xml", "application/xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("gz", "application/gzip"), Map.entry("tgz", "application/gzip"), Map.entry("xz", "application/x-xz"),
            Map.entry("zip", "application/zip"), Map.entry("tar", "application/x-tar"));

    private ContentTypes() {
    }

    /** By extension, case-insensitive; {@value #BINARY} when unknown. */
    public static String forName(String filename) {
        String name = filename.substring(filename.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return BINARY;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), BINARY);
    }

    /**
     * For a file a build produced: like {@link #forName}, but pages and scripts are served as plain text,
     * because the repository that wrote them is untrusted and must not run script on the bucket's origin.
     */
    public static String forArtifact(String filename) {
        String type = forName(filename);
        return type.startsWith("text/html") || type.startsWith("text/javascript") || type.startsWith("image/svg")
                || type.startsWith("application/xml") ? TEXT : type;
    }
}
