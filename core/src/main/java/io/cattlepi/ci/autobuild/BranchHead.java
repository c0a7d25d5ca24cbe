package io.cattlepi.ci.autobuild;

import io.cattlepi.ci.intake.BuildRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds the commit a branch points to, with {@code git ls-remote} run from an argument list. */
public final class BranchHead {
    private final Duration timeout;

    public BranchHead(Duration timeout) {
        this.timeout = timeout;
    }

    public String resolve(String cloneUrl, String branch) throws IOException, InterruptedException {
        if (cloneUrl.startsWith("-") || branch.startsWith("-")) {
            throw new IllegalArgumentException("clone URL and branch must not start with '-'");
        }
        Process p = new ProcessBuilder(List.of("git", "ls-remote", "--", cloneUrl, "refs/heads/" + branch))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("git ls-remote timed out after " + timeout.toSeconds() + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String sha = text.isEmpty() ? "" : text.split("\\s+")[0];
        if (p.exitValue() != 0 || !BuildRequest.isSha(sha)) {
            throw new IOException("no branch " + branch + " in " + cloneUrl + (text.isEmpty() ? "" : ": " + text));
        }
        return sha;
    }
}
