package io.cattlepi.ci.simulator.pi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's OpenSSH client tools (ssh, sftp, scp, rsync) against simulated Pis, bounded. */
final class OpenSsh {
    /** What a client run printed, and how it ended. */
    record Result(int rc, String out, String err) {
        String line() {
            return out.strip();
        }
    }

    private final Path key;
    private final List<String> extra = new ArrayList<>();

    OpenSsh(Path key, String... options) {
        this.key = key;
        extra.addAll(List.of(options));
    }

    static boolean installed() {
        return Files.isExecutable(Path.of("/usr/bin/ssh"));
    }

    /** Options every tool takes: the rack's key, no host-key memory (a Pi's key changes at every boot). */
    List<String> options() {
        List<String> o = new ArrayList<>(List.of("-i", key.toString(), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR"));
        for (String e : extra) {
            o.addAll(List.of("-o", e));
        }
        return o;
    }

    Result ssh(SimulatedPi pi, String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(options());
        argv.addAll(List.of("-p", Integer.toString(pi.port()), "pi@" + pi.host(), command));
        return run(argv);
    }

    Result sftp(SimulatedPi pi, Path batch) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sftp"));
        argv.addAll(options());
        argv.addAll(List.of("-P", Integer.toString(pi.port()), "-b", batch.toString(), "pi@" + pi.host()));
        return run(argv);
    }

    Result scp(SimulatedPi pi, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("scp"));
        argv.addAll(options());
        argv.addAll(List.of("-P", Integer.toString(pi.port())));
        argv.addAll(List.of(args));
        return run(argv);
    }

    static Result run(List<String> argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ssh", ".out");
        Path err = Files.createTempFile("ssh", ".err");
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + argv);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
