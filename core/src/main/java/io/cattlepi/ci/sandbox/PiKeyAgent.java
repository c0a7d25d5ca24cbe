package io.cattlepi.ci.sandbox;

import io.cattlepi.ci.secret.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An {@code ssh-agent} of one build's own, outside its sandbox, holding the Pis' private key: the
 * build reaches its Pi through the agent's socket but never holds the key, so it cannot take it
 * away. The key goes to {@code ssh-add} on standard input, never into a file.
 */
final class PiKeyAgent implements AutoCloseable {
    private final Process agent;
    private final Path socket;

    private PiKeyAgent(Process agent, Path socket) {
        this.agent = agent;
        this.socket = socket;
    }

    /**
     * @param runAs command words that run a program as the build's user (ssh-agent serves only its own
     *              user and root); the socket is made relative to {@code dir}, which that user owns, so
     *              it need not be able to pass through the folders above it
     */
    static PiKeyAgent start(Path dir, String name, Secret key, List<String> runAs, Duration timeout) throws IOException {
        Path socket = dir.resolve(name);
        // Killed with the controller: a controller that crashes leaves no agent holding the key. In
        // the same setpriv as the user switch: a change of user clears a parent-death signal set before.
        List<String> argv = new ArrayList<>(runAs.isEmpty() ? List.of("setpriv", "--") : runAs);
        argv.addAll(1, List.of("--pdeathsig", "KILL"));
        argv.addAll(List.of("ssh-agent", "-D", "-a", name));
        Process agent = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        PiKeyAgent started = new PiKeyAgent(agent, socket);
        try {
            awaitListening(agent, timeout);
            add(socket, key, timeout);
            return started;
        } catch (IOException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /** The agent prints its socket once it listens. */
    private static void awaitListening(Process agent, Duration timeout) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting ssh-agent");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("ssh-agent did not start within " + timeout.toSeconds() + " s");
        }
        if (line == null || !line.startsWith("SSH_AUTH_SOCK=")) {
            throw new IOException("ssh-agent did not start: " + (line == null ? "no output" : line));
        }
    }

    /**
     * As the controller's user: the agent serves root too. Relative to the socket's folder: a
     * socket's path is limited to 108 bytes, a workspace's is not.
     */
    private static void add(Path socket, Secret key, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("ssh-add", "-q", "-").redirectErrorStream(true)
                .directory(socket.getParent().toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("SSH_AUTH_SOCK", socket.getFileName().toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            String text = key.reveal().endsWith("\n") ? key.reveal() : key.reveal() + "\n";
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("ssh-add did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while adding the Pi key to the build's agent");
        }
        if (p.exitValue() != 0) {
            // ssh-add's own words say which (bad key format, agent refused); they never hold the key.
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException("ssh-add refused the Pi key (exit " + p.exitValue() + "): " + said);
        }
    }

    /** The agent is how a build uses the Pi key at all, in every sandbox kind. */
    static void check() throws SandboxUnavailable {
        for (String tool : List.of("ssh-agent", "ssh-add")) {
            if (Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                    .noneMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))) {
                throw new SandboxUnavailable(tool + " is not installed: builds reach their Pi through an ssh-agent"
                        + " that holds the key. Install OpenSSH's client (apt-get install openssh-client).");
            }
        }
    }

    Path socket() {
        return socket;
    }

    @Override
    public void close() {
        agent.destroy();
        try {
            if (!agent.waitFor(2, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            agent.destroyForcibly();
        }
        try {
            Files.deleteIfExists(socket);
            if (socket.getParent().getFileName().toString().startsWith("cattlepi-ci-")) {
                Files.deleteIfExists(socket.getParent());
            }
        } catch (IOException e) {
            // its folder goes with the build's
        }
    }
}
