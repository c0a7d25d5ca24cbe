package io.cattlepi.ci.simulator.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for a CattlePi repository on GitHub: a bare repository at
 * {@code base/owner/name.git} with {@code master}, and pull requests as GitHub stores them
 * ({@code refs/pull/N/head} and a merge commit at {@code refs/pull/N/merge}). Its Makefile's
 * {@code test_noop} and {@code raspbian_cattlepi} behave like CattlePi's: SSH into the Pi,
 * sudo, reboot and wait. Files named after the markers below in a commit drive the outcome: FAIL
 * fails the build, HANG hangs it, SLOW makes a log to watch grow, THIEF runs a hostile recipe that
 * hunts the controller's secrets, HOG runs away with processes and memory. A passing
 * {@code raspbian_cattlepi} leaves boot images for the controller's boot test, whose battery is
 * {@code tests/raspbian_cattlepi/}: BOOT_TEST_FAIL makes one of its tests fail on the booted Pi,
 * CORRUPT_IMAGE makes the Pi's md5sum check of the image fail.
 */
public final class SampleRepository {
    public static final String FAIL = "FAIL";
    public static final String HANG = "HANG";
    public static final String SLOW = "SLOW";
    public static final String THIEF = "THIEF";
    public static final String HOG = "HOG";
    /** Fills the workspace's file system (the controller's disk, not the commit's fault). */
    public static final String FILL = "FILL";
    /** Use the Ansible recipe laid out as CattlePi's (runner through tee: make always exits 0). */
    public static final String ANSIBLE = "ANSIBLE";
    /** With ANSIBLE: a task of the playbook fails. */
    public static final String ANSIBLE_FAIL = "ANSIBLE_FAIL";
    /** With ANSIBLE: the inventory points at an address where no Pi answers. */
    public static final String ANSIBLE_BAD_HOST = "ANSIBLE_BAD_HOST";
    /** The image's self-test fails: the boot test's {@code 20-selftest} fails on the booted Pi. */
    public static final String BOOT_TEST_FAIL = "BOOT_TEST_FAIL";
    /** The root image is stored corrupted by the simulated Pi: its md5sum check fails and it boot-loops. */
    public static final String CORRUPT_IMAGE = "CORRUPT_IMAGE";
    /** The boot-test battery of the sample's recipe. */
    public static final String TESTS = "tests/raspbian_cattlepi/";
    private static final List<String> TEST_FILES = List.of("10-booted-the-built-image", "20-selftest",
            "30-sudo-and-ssh-keys");
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(60);

    /** A pull request's refs as GitHub has them. */
    public record PullRequest(int number, String headSha, String mergeSha) {
    }

    private final Path base;
    private final String repository;
    private final Path bare;
    private final Path work;

    private SampleRepository(Path base, String repository) {
        this.base = base;
        this.repository = repository;
        this.bare = base.resolve(repository + ".git");
        this.work = base.resolve(".work").resolve(repository);
    }

    /** Creates the repository with the sample recipe on {@code master}. */
    public static SampleRepository create(Path base, String repository) throws IOException {
        if (!repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("repository must be owner/name: " + repository);
        }
        SampleRepository r = new SampleRepository(base, repository);
        Files.createDirectories(r.bare);
        Files.createDirectories(r.work);
        r.git(r.bare, "init", "--quiet", "--bare", "--initial-branch=master");
        r.git(r.work, "init", "--quiet", "--initial-branch=master");
        r.write(Map.ofEntries(Map.entry("Makefile", resource("Makefile")), Map.entry("recipe.sh", resource("recipe.sh")),
                Map.entry("thief.sh", resource("thief.sh")), Map.entry("bin/myenv.sh", resource("ansible/myenv.sh")),
                Map.entry("tools/util/recipe_runner.sh", resource("ansible/recipe_runner.sh")),
                Map.entry("ansible.cfg", resource("ansible/ansible.cfg")),
                Map.entry("recipes/test_noop/playbook.yml", resource("ansible/test_noop.yml")),
                Map.entry("recipes/raspbian_cattlepi/playbook.yml", resource("ansible/raspbian_cattlepi.yml")),
                Map.entry("roles/reboot_and_wait/tasks/main.yml", resource("ansible/reboot_and_wait.yml")),
                Map.entry("tools/autobuild/build_and_publish.sh", resource("build_and_publish.sh")),
                Map.entry("make_image.sh", resource("make_image.sh")),
                Map.entry(TESTS + "README.md", resource(TESTS + "README.md")),
                Map.entry(TESTS + TEST_FILES.get(0), resource(TESTS + TEST_FILES.get(0))),
                Map.entry(TESTS + TEST_FILES.get(1), resource(TESTS + TEST_FILES.get(1))),
                Map.entry(TESTS + TEST_FILES.get(2), resource(TESTS + TEST_FILES.get(2))),
                Map.entry("README.md", "# " + repository + "\n\nA sample CattlePi repository for cattlepi-ci's demo and tests.\n")));
        List<String> scripts = new ArrayList<>(List.of("recipe.sh", "thief.sh", "bin/myenv.sh",
                "tools/util/recipe_runner.sh", "tools/autobuild/build_and_publish.sh", "make_image.sh"));
        TEST_FILES.forEach(t -> scripts.add(TESTS + t));
        for (String script : scripts) {
            Files.setPosixFilePermissions(r.work.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        r.git(r.work, "add", "--all");
        r.commit("Sample recipes: test_noop and raspbian_cattlepi drive the Pi over SSH");
        r.git(r.work, "push", "--quiet", r.bare.toString(), "master:refs/heads/master");
        return r;
    }

    /** What {@code clone_base} must be for builds of this repository to clone it. */
    public String cloneBase() {
        return base.toUri().toString();
    }

    public String url() {
        return bare.toUri().toString();
    }

    public String repository() {
        return repository;
    }

    /** Commits files onto {@code master} and pushes it; returns the new head. */
    public synchronized String pushToMaster(String message, Map<String, String> files) throws IOException {
        git(work, "checkout", "--quiet", "master");
        write(files);
        git(work, "add", "--all");
        String sha = commit(message);
        git(work, "push", "--quiet", bare.toString(), "master:refs/heads/master");
        return sha;
    }

    /** Opens pull request {@code number} with one commit on top of master. */
    public synchronized PullRequest openPullRequest(int number, String message, Map<String, String> files) throws IOException {
        git(work, "checkout", "--quiet", "-B", "pr-" + number, "master");
        return pushPullRequest(number, message, files);
    }

    /** Adds a commit to an open pull request (GitHub's "synchronize"). */
    public synchronized PullRequest pushToPullRequest(int number, String message, Map<String, String> files) throws IOException {
        git(work, "checkout", "--quiet", "pr-" + number);
        return pushPullRequest(number, message, files);
    }

    private PullRequest pushPullRequest(int number, String message, Map<String, String> files) throws IOException {
        write(files);
        git(work, "add", "--all");
        String head = commit(message);
        git(work, "checkout", "--quiet", "--detach", "master");
        git(work, "-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "merge", "--quiet", "--no-ff",
                "-m", "Merge " + head + " into master", head);
        String merge = git(work, "rev-parse", "HEAD").strip();
        git(work, "push", "--quiet", "--force", bare.toString(), head + ":refs/pull/" + number + "/head",
                merge + ":refs/pull/" + number + "/merge");
        git(work, "checkout", "--quiet", "pr-" + number);
        return new PullRequest(number, head, merge);
    }

    private void write(Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = work.resolve(f.getKey()).normalize();
            if (!p.startsWith(work)) {
                throw new IllegalArgumentException("file outside the repository: " + f.getKey());
            }
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
    }

    private String commit(String message) throws IOException {
        git(work, "-c", "user.name=Sample Author", "-c", "user.email=author@example.com", "commit", "--quiet",
                "--allow-empty", "-m", message);
        return git(work, "rev-parse", "HEAD").strip();
    }

    private String git(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(List.of(args));
        // Output to a file, so a hung git cannot block a read: the wait below bounds it.
        Path output = Files.createTempFile("git", ".out");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process p = pb.start();
        byte[] out;
        try {
            if (!p.waitFor(GIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("git " + args[0] + " timed out");
            }
            out = Files.readAllBytes(output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(output);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + text.strip());
        }
        return text;
    }

    private static String resource(String name) {
        try (InputStream in = SampleRepository.class.getResourceAsStream("/sample-repo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource sample-repo/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
