package io.cattlepi.ci.power;

import io.cattlepi.ci.fleet.PowerControl;
import io.cattlepi.ci.retry.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Switches Pis with the configured commands: the off command, a pause, the on command, each a
 * process of its own (no shell) with a time limit and its output kept short for the Pi's
 * history. Only the program's name is ever shown, never its arguments: they may hold a PDU's
 * password or an SNMP community.
 */
public final class CommandPowerSwitch implements PowerControl.Switch {
    private static final int OUTPUT_SHOWN = 300;

    private final PowerSettings settings;
    private final Sleeper sleeper;

    public CommandPowerSwitch(PowerSettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
    }

    /** The fleet's power control over these commands. */
    public static PowerControl control(PowerSettings settings, Sleeper sleeper) {
        return new PowerControl(new CommandPowerSwitch(settings, sleeper), settings.cycleAfter(), settings.perHour());
    }

    @Override
    public boolean controls(String workerId) {
        return settings.commands().containsKey(workerId);
    }

    @Override
    public String cycle(String workerId) throws PowerControl.Failed {
        PowerCommands c = settings.commands().get(workerId);
        if (c == null) {
            throw new PowerControl.Failed("no power commands are configured for Pi " + workerId);
        }
        String off = run("off", c.off());
        try {
            sleeper.sleep(settings.offFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PowerControl.Failed("interrupted while Pi " + workerId + " was off; it may still be off");
        }
        String on = run("on", c.on());
        return "off (" + off + "), " + settings.offFor().toSeconds() + " s, on (" + on + ")";
    }

    private String run(String which, List<String> argv) throws PowerControl.Failed {
        String program = Path.of(argv.get(0)).getFileName().toString();
        Path output = null;
        try {
            output = Files.createTempFile("cattlepi-ci-power", ".out");
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new PowerControl.Failed("power " + which + " command (" + program + ") did not end within "
                        + settings.commandTimeout().toSeconds() + " s");
            }
            String said = shown(output);
            if (p.exitValue() != 0) {
                throw new PowerControl.Failed("power " + which + " command (" + program + ") exited with "
                        + p.exitValue() + (said.isEmpty() ? "" : ": " + said));
            }
            return program + " exit 0" + (said.isEmpty() ? "" : ": " + said);
        } catch (IOException e) {
            throw new PowerControl.Failed("power " + which + " command (" + program + ") could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PowerControl.Failed("interrupted during the power " + which + " command (" + program + ")");
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    /** The command's last words, on one line. */
    private static String shown(Path output) throws IOException {
        byte[] tail;
        try (InputStream in = Files.newInputStream(output)) {
            long size = Files.size(output);
            in.skipNBytes(Math.max(0, size - OUTPUT_SHOWN));
            tail = in.readAllBytes();
        }
        return new String(tail, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
    }
}
