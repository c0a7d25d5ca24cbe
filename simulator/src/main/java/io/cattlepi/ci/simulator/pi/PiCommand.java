package io.cattlepi.ci.simulator.pi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec request on a simulated Pi: a real {@code /bin/sh -c} in the Pi's home with the Pi's
 * shims first on PATH (sudo, whoami, reboot, shutdown never reach the host's binaries), stdin
 * passed through, and the exit status sent only after all output is flushed.
 */
final class PiCommand implements Command {
    private final SimulatedPi pi;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    PiCommand(SimulatedPi pi, String command) {
        this.pi = pi;
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
    public void start(ChannelSession channel, Environment env) throws IOException {
        String line = pi.rewrite(command);
        long slowMillis = pi.slowLinkDelay().toMillis();
        if (slowMillis > 0) {
            line = "sleep " + (slowMillis / 1000.0) + "; " + line; // a slow link, without blocking a JVM thread
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", line).directory(pi.home().toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.putAll(pi.commandEnvironment());
        process = pb.start();
        Thread stdin = pump(in, process.getOutputStream(), true, "stdin");
        Thread stdout = pump(process.getInputStream(), out, false, "stdout");
        Thread stderr = pump(process.getErrorStream(), err, false, "stderr");
        Thread waiter = new Thread(() -> {
            int rc;
            try {
                rc = process.waitFor();
                stdout.join();
                stderr.join();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                rc = 255;
            }
            stdin.interrupt();
            exit.onExit(rc);
            pi.afterCommand();
        }, "pi-" + pi.name() + "-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    private static Thread pump(InputStream from, OutputStream to, boolean closeTarget, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // the other side went away (process exited, channel closed)
            } finally {
                if (closeTarget) {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }
        }, "pi-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

}
