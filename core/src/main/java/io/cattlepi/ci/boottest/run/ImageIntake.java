package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.sandbox.BuildCell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes a build's boot images into the controller's keeping, with their md5sums. Each is read by
 * {@code cat} inside the build's cell and written to a file only the controller sees: whatever the
 * build left behind (a link to the controller's files, a process still rewriting the image) it
 * cannot show anything it could not read itself, nor change the copy once its md5sum is taken.
 */
final class ImageIntake {
    /** One image in the controller's keeping. */
    record Taken(String name, Path file, String md5sum, long bytes) {
    }

    private final long maxBytes;
    private final Duration timeout;

    ImageIntake(long maxBytes, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /**
     * Whether the build left every image as a regular file, in real folders of its checkout. Decides
     * whether there is a battery at all; {@link #take} reads them through the cell whatever this saw.
     */
    static boolean present(Path src, String dir, List<String> names) {
        Path at = src;
        for (Path part : Path.of(dir)) {
            at = at.resolve(part.toString());
            if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        for (String name : names) {
            if (!Files.isRegularFile(at.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    /** Copies {@code dir/name} of the checkout to {@code staging/name}. */
    Taken take(BuildCell cell, Map<String, String> env, String dir, String name, Path staging)
            throws IOException, InterruptedException {
        Files.createDirectories(staging);
        Path target = staging.resolve(name);
        ProcessBuilder pb = new ProcessBuilder(cell.command(List.of("cat", "--", dir + "/" + name), cell.src()))
                .directory(cell.src().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        // A read that never ends (a pipe left in the image's place) ends with the process, killed at the deadline.
        CompletableFuture.runAsync(() -> kill(p), CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        MessageDigest md5 = md5();
        long bytes = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (InputStream in = p.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                bytes += n;
                if (bytes > maxBytes) {
                    throw new IOException(name + " is larger than boot_test_max_image_mb (" + maxBytes / (1024 * 1024)
                            + " MiB)");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("reading " + name + " took longer than " + timeout.toSeconds() + " s");
                }
                md5.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            if (!p.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                throw new IOException("reading " + name + " did not end");
            }
            if (p.exitValue() != 0) {
                throw new IOException(dir + "/" + name + " could not be read in the build's sandbox (cat exited "
                        + p.exitValue() + ")");
            }
        } catch (IOException | InterruptedException e) {
            Files.deleteIfExists(target);
            throw e;
        } finally {
            kill(p);
        }
        return new Taken(name, target, HexFormat.of().formatHex(md5.digest()), bytes);
    }

    private static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }
}
