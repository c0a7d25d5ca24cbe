package io.cattlepi.ci.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.secret.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real bubblewrap cell, probed from inside by a shell, as a hostile recipe would. */
class SandboxTest {
    @TempDir
    static Path dir;
    private static Secret key;
    private static Path config;

    @BeforeAll
    static void keys() throws Exception {
        key = TestKeys.ed25519(dir, "sandbox-test");
        config = dir.resolve("buildcontrol.json");
        Files.writeString(config, "{\"gh_token\": \"very-secret-token\"}");
    }

    private static Sandbox sandbox() throws SandboxUnavailable {
        return Sandbox.start(new SandboxSettings(SandboxKind.BUBBLEWRAP, 256, 512 * SandboxSettings.MIB,
                List.of(config, Path.of("/etc/hostname"))));
    }

    /** Runs a shell script in the cell; returns its output. */
    private static String inside(BuildCell cell, String script) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(cell.environment());
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        ProcessBuilder pb = new ProcessBuilder(cell.command(List.of("sh", "-c", script), cell.src()))
                .directory(cell.src().toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ended");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aBuildSeesItsFolderAndTheSystemButNothingOfTheController() throws Exception {
        try (BuildCell cell = sandbox().open("b-1", dir.resolve("work-1"), key, List.of())) {
            String out = inside(cell, String.join("\n",
                    "echo uid=$(id -u) user=$(id -un) home=$HOME",
                    "echo root: $(ls /)",
                    "echo processes: $(ls -d /proc/[0-9]* | wc -l)",
                    "kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null && echo controller: signalled"
                            + " || echo controller: out of reach",
                    "echo hostname file: [$(cat /etc/hostname)]",
                    "test -e " + config + " && echo config: visible || echo config: absent",
                    "test -e " + dir + " && echo test folder: visible || echo test folder: absent",
                    "touch /usr/cattlepi-test 2>/dev/null && echo usr: writable || echo usr: read-only",
                    "echo built > /build/src/made && echo src: writable",
                    "echo agent: $(ssh-add -l | wc -l) key",
                    "grep -rlsF '" + key.reveal().lines().toList().get(1) + "' /build /tmp /run /etc 2>/dev/null | head -n 3"
                            + " | sed 's/^/key file: /'",
                    "echo done"));
            assertTrue(out.contains("done"), out);
            assertFalse(out.contains("uid=0 "), out);
            assertTrue(out.contains("user=builder home=/build/home"), out);
            assertEquals("root: bin build dev etc lib lib64 proc run sbin tmp usr",
                    out.lines().filter(l -> l.startsWith("root:")).findFirst().orElse("").replace(" lib32", "")
                            .replace(" libx32", ""), out);
            int processes = Integer.parseInt(out.lines().filter(l -> l.startsWith("processes:")).findFirst()
                    .orElseThrow().split(": ")[1].strip());
            assertTrue(processes <= 6, "only its own processes: " + out);
            assertTrue(out.contains("controller: out of reach"), out);
            assertTrue(out.contains("hostname file: []"), "a hidden file under /etc is empty: " + out);
            assertTrue(out.contains("config: absent") && out.contains("test folder: absent"), out);
            assertTrue(out.contains("usr: read-only"), out);
            assertTrue(out.contains("src: writable"), out);
            assertTrue(out.contains("agent: 1 key"), out);
            assertFalse(out.contains("key file:"), "the key is in no file the build can read: " + out);
            assertEquals("built\n", Files.readString(cell.src().resolve("made")));
        }
    }

    @Test
    void theSystemsProgramsAreSeenWhereTheyAreButNotAMaskedFileOrTheControllersFolders() throws Exception {
        Sandbox sandbox = sandbox();
        assertTrue(sandbox.shows(Path.of(System.getProperty("java.home"), "bin", "java")), "a JDK under /usr");
        assertFalse(sandbox.shows(Path.of("/etc/hostname")), "masked for this sandbox");
        assertFalse(sandbox.shows(config), "the controller's config");
        assertFalse(sandbox.shows(Path.of("/root")));
        try (BuildCell cell = sandbox.open("b-4", dir.resolve("work-4"), key, List.of())) {
            assertEquals("/usr/bin/env", cell.inside(Path.of("/usr/bin/env")));
            assertThrows(IllegalArgumentException.class, () -> cell.inside(config));
        }
    }

    @Test
    void twoCellsNeverSeeEachOther() throws Exception {
        Sandbox sandbox = sandbox();
        try (BuildCell a = sandbox.open("b-2", dir.resolve("work-2"), key, List.of());
             BuildCell b = sandbox.open("b-3", dir.resolve("work-3"), key, List.of())) {
            inside(a, "echo mine > /tmp/a; echo mine > $HOME/a");
            String out = inside(b, "ls /tmp $HOME; ls " + a.src() + " 2>&1 | head -n 1");
            assertFalse(out.contains("a\n"), out);
            assertTrue(out.contains("No such file"), out);
        }
    }

    @Test
    void withoutBubblewrapTheControllerRefusesToStartAndSaysHowToFixIt() {
        SandboxUnavailable e = assertThrows(SandboxUnavailable.class, () -> Bubblewrap.check(
                new SandboxSettings(SandboxKind.BUBBLEWRAP, 256, 512 * SandboxSettings.MIB, List.of()),
                BuildUsers.forThisProcess(), "/nonexistent"));
        assertTrue(e.getMessage().contains("apt-get install bubblewrap"), e.getMessage());
        assertTrue(e.getMessage().contains("\"build_sandbox\": \"off\""), e.getMessage());
    }

    @Test
    void aBubblewrapThatCannotMakeNamespacesIsRefusedToo() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path bwrap = bin.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n");
        assertTrue(bwrap.toFile().setExecutable(true));
        List<String> path = new ArrayList<>(List.of(bin.toString()));
        path.add(System.getenv("PATH"));
        SandboxUnavailable e = assertThrows(SandboxUnavailable.class, () -> Bubblewrap.check(
                new SandboxSettings(SandboxKind.BUBBLEWRAP, 256, 512 * SandboxSettings.MIB, List.of()),
                BuildUsers.forThisProcess(), String.join(":", path)));
        assertTrue(e.getMessage().contains("No permissions to creating new namespace"), e.getMessage());
        assertTrue(e.getMessage().contains("user namespaces"), e.getMessage());
        assertNotEquals(0, e.getMessage().length());
    }
}
