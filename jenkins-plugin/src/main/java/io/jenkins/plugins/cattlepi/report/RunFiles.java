package io.jenkins.plugins.cattlepi.report;

import hudson.model.Run;
import io.cattlepi.ci.report.BuildPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import jenkins.model.Jenkins;
import jenkins.util.VirtualFile;

/** Copies a run's console log and archived artifacts into a folder core publishes to S3. */
public final class RunFiles {
    private RunFiles() {
    }

    public static void copy(Run<?, ?> run, Path folder) throws IOException {
        Files.createDirectories(folder);
        try (InputStream log = run.getLogInputStream()) {
            Files.copy(log, folder.resolve(BuildPublisher.LOG_NAME), StandardCopyOption.REPLACE_EXISTING);
        }
        Path artifacts = folder.resolve("artifacts").normalize();
        VirtualFile root = run.getArtifactManager().root();
        for (Run<?, ?>.Artifact a : run.getArtifacts()) {
            Path target = artifacts.resolve(a.relativePath).normalize();
            if (!target.startsWith(artifacts)) {
                continue; // never outside the folder, whatever the name
            }
            Files.createDirectories(target.getParent());
            try (InputStream in = root.child(a.relativePath).open()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The run's page, or null when Jenkins' root URL is not configured. */
    public static String url(Run<?, ?> run) {
        return absolute(run.getUrl());
    }

    /** A Jenkins-relative URL made absolute, or null when Jenkins' root URL is not configured. */
    public static String absolute(String relative) {
        String root = Jenkins.get().getRootUrl();
        return root == null ? null : root + relative;
    }
}
