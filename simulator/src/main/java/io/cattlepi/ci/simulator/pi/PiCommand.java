package io.cattlepi.ci.simulator.pi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One SSH channel's program on a simulated Pi, run jailed in the Pi as {@code pi}: an exec
 * request through the Pi's {@code bash -c} (as sshd does with the login shell), a shell, or the
 * Pi's own OpenSSH {@code sftp-server} (so SFTP and scp see exactly what the shell sees). Stdin is
 * passed through and closed at the client's EOF; the exit status is sent only after all output,
 * and each channel owns its own threads, so closing one never disturbs another on the connection.
 */
final class PiCommand implements Command {
    /** What the channel asked for. */
    enum Kind { EXEC, SHELL, SFTP }

    private final SimulatedPi pi;
    private final Kind kind;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;
    private volatile boolean destroyed;

    PiCommand(SimulatedPi pi, Kind kind, String command) {
        this.pi = pi;
        this.kind = kind;
        this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        List<String> argv = pi.commandLine(kind, command, env.getEnv());
        long slow = pi.slowLinkDelay().toMillis();
        if (slow > 0) {
            pi.timer().schedule(() -> launch(argv), slow, TimeUnit.MILLISECONDS); // a slow link, no thread held
        } else {
            launch(argv);
        }
    }

    private void launch(List<String> argv) {
        if (destroyed) {
            return;
        }
        if (argv == null) {
            fail("the Pi is going down\n");
            return;
        }
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            fail("cannot start a command on the Pi: " + e.getMessage() + "\n");
            return;
        }
        Process p = process;
        Thread stdin = pump(p.getOutputStream(), in, "stdin");
        Thread stdout = pump(out, p.getInputStream(), "stdout");
        Thread stderr = pump(err, p.getErrorStream(), "stderr");
        Thread waiter = new Thread(() -> {
            int rc;
            try {
                rc = p.waitFor();
                stdout.join();
                stderr.join();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                rc = 255;
            }
            stdin.interrupt();
            exit.onExit(rc);
        }, "pi-" + pi.name() + "-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void fail(String message) {
        try {
            err.write(message.getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException ignored) {
            // the client is gone too
        }
        exit.onExit(255);
    }

    /** Copies until EOF; the process's stdin is closed at the client's EOF (Ansible feeds scripts there). */
    private Thread pump(OutputStream to, InputStream from, String name) {
        boolean toProcess = name.equals("stdin");
        Thread t = new Thread(() -> {
            byte[] buf = new byte[32768];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // the other side went away (process exited, channel closed)
            } finally {
                if (toProcess) {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }
        }, "pi-" + pi.name() + "-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void destroy(ChannelSession channel) {
        destroyed = true;
        Process p = process;
        if (p != null && p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
