package io.cattlepi.ci.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one build's folder under {@code {buildId}/}: every regular file (recursively, same relative
 * names, content type from the name), then an {@code index.html} listing them. Called again while the
 * build runs, it simply overwrites, so the link on GitHub shows progress.
 */
public final class BuildPublisher implements FolderPublisher {
    /** Written by the recipe runner: the verdict and the lines that decided it. */
    public static final String RESULT_NAME = "result.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The build log's file name in the folder and in the bucket. */
    public static final String LOG_NAME = "build.log";
    public static final String INDEX_NAME = "index.html";

    private static final Logger LOG = LoggerFactory.getLogger(BuildPublisher.class);
    private static final Pattern BUILD_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}");
    /** Up to this size a file is read whole first, so a log still being written uploads as a consistent snapshot. */
    private static final long SNAPSHOT_LIMIT = 16L * 1024 * 1024;

    private final ArtifactStore store;

    public BuildPublisher(ArtifactStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void publish(String buildId, Path folder) throws ReportException {
        publish(buildId, folder, Map.of());
    }

    /**
     * Uploads the folder and its index page.
     *
     * @param facts shown at the top of the index (e.g. repository, commit, result), after the build id
     * @return the index page's public URL
     */
    public String publish(String buildId, Path folder, Map<String, String> facts) throws ReportException {
        checkBuildId(buildId);
        if (!Files.isDirectory(folder)) {
            throw new ReportException("Build " + buildId + ": folder " + folder + " does not exist", false, null);
        }
        List<BuildIndexPage.Entry> listed = new ArrayList<>();
        for (Path file : regularFiles(buildId, folder)) {
            String relative = relativeName(folder, file);
            if (relative.equals(INDEX_NAME)) {
                LOG.warn("Build {}: its own {} is not published, the generated index takes its place", buildId, INDEX_NAME);
                continue;
            }
            String key = buildId + "/" + relative;
            try {
                store.publicUrl(key); // validates the key before any upload
            } catch (IllegalArgumentException e) {
                LOG.warn("Build {}: skipping a file whose name cannot be published: {}", buildId, e.getMessage());
                continue;
            }
            long size = upload(key, file, ContentTypes.forArtifact(relative));
            listed.add(new BuildIndexPage.Entry(relative, UrlPath.encode(relative), size));
        }
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("Build", buildId);
        shown.putAll(facts);
        List<BuildIndexPage.Marked> marked = new ArrayList<>();
        readResult(folder, shown, marked);
        String page = BuildIndexPage.render("Build " + buildId, listed, shown, marked);
        store.put(buildId + "/" + INDEX_NAME, page.getBytes(StandardCharsets.UTF_8), ContentTypes.HTML);
        return indexUrl(buildId);
    }

    /** The build's {@code result.json} (written by the recipe runner), as facts and marked lines. */
    private static void readResult(Path folder, Map<String, String> facts, List<BuildIndexPage.Marked> marked) {
        Path result = folder.resolve(RESULT_NAME);
        if (!Files.isRegularFile(result, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(result.toFile());
            facts.putIfAbsent("Result", root.path("result").asText() + ": " + root.path("description").asText());
            for (JsonNode m : root.path("matches")) {
                marked.add(new BuildIndexPage.Marked(m.path("step").asText(), m.path("rule").asText(),
                        m.path("line").asText()));
            }
        } catch (IOException e) {
            LOG.warn("{}: unreadable, the index shows no result: {}", result, e.getMessage());
        }
    }

    /** Uploads just the log (cheap enough to repeat every few seconds while the build runs). */
    public void publishLog(String buildId, Path logFile) throws ReportException {
        checkBuildId(buildId);
        if (!Files.isRegularFile(logFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new ReportException("Build " + buildId + ": log " + logFile + " is not a file", false, null);
        }
        upload(buildId + "/" + LOG_NAME, logFile, ContentTypes.TEXT);
    }

    @Override
    public String indexUrl(String buildId) {
        checkBuildId(buildId);
        return store.publicUrl(buildId + "/" + INDEX_NAME);
    }

    public String logUrl(String buildId) {
        checkBuildId(buildId);
        return store.publicUrl(buildId + "/" + LOG_NAME);
    }

    private long upload(String key, Path file, String contentType) throws ReportException {
        try {
            long size = Files.size(file);
            if (size <= SNAPSHOT_LIMIT) {
                byte[] content = Files.readAllBytes(file);
                store.put(key, content, contentType);
                return content.length;
            }
            store.put(key, file, contentType);
            return size;
        } catch (IOException e) {
            throw new ReportException("Cannot read " + file + " to publish it: " + e.getMessage(), false, e);
        }
    }

    /**
     * Regular files only, sorted. Symbolic links are never followed: a build could otherwise point one at
     * the controller's own files and have them published.
     */
    private static List<Path> regularFiles(String buildId, Path folder) throws ReportException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new ReportException("Build " + buildId + ": cannot list " + folder + ": " + e.getMessage(), false, e);
        }
    }

    private static String relativeName(Path folder, Path file) {
        Path rel = folder.relativize(file);
        StringBuilder name = new StringBuilder();
        for (Path part : rel) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    private static void checkBuildId(String buildId) {
        if (buildId == null || !BUILD_ID.matcher(buildId).matches()) {
            throw new IllegalArgumentException("Invalid build id '" + buildId + "': letters, digits, '.', '_' and '-' only");
        }
    }
}
