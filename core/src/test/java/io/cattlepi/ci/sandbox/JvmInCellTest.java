package io.cattlepi.ci.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.secret.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM in a build cell, the way the Jenkins plugin runs a Pi node's agent there: the host's JDK as
 * the cell sees it, a class copied into the cell's own folder, and a conversation over standard
 * input and output, as remoting holds its channel. From inside it reaches the Pi key's agent and
 * nothing of the controller's.
 */
class JvmInCellTest {
    @TempDir
    static Path dir;
    private static Secret key;
    private static Path config;

    @BeforeAll
    static void keys() throws Exception {
        key = TestKeys.ed25519(dir, "jvm-in-cell-test");
        config = dir.resolve("controller-config.xml");
        Files.writeString(config, "<secret>never inside</secret>");
    }

    private static Sandbox sandbox(SandboxKind kind) throws SandboxUnavailable {
        return Sandbox.start(new SandboxSettings(kind, 256, 512 * SandboxSettings.MIB, List.of(config)));
    }

    /**
     * The program in the cell: answers each line on its standard input with one line on its standard
     * output until the input ends, as an agent serves its channel.
     */
    public static final class Answerer {
        public static void main(String[] args) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.split(" ", 2);
                out.println(switch (words[0]) {
                    case "env" -> String.valueOf(System.getenv(words[1]));
                    case "exists" -> String.valueOf(Files.exists(Path.of(words[1])));
                    case "keys" -> keysInAgent();
                    default -> "said: " + line;
                });
            }
        }

        /** What {@code ssh-add -l} lists through {@code SSH_AUTH_SOCK}: the agent's keys, never a file. */
        private static String keysInAgent() throws IOException, InterruptedException {
            Process p = new ProcessBuilder("ssh-add", "-l").redirectErrorStream(true).start();
            String listed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? listed.lines().count() + " key" : "none: " + listed.strip();
        }
    }

    /** Starts {@link Answerer} in the cell from the host's JDK, its class copied into the cell's own folder. */
    private static Process answerer(Sandbox sandbox, BuildCell cell) throws IOException {
        String name = Answerer.class.getName();
        Path compiled = Path.of(Answerer.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve(name.replace('.', '/') + ".class");
        Path classes = cell.src().resolve("classes");
        Path copy = classes.resolve(name.replace('.', '/') + ".class");
        Files.createDirectories(copy.getParent());
        Files.copy(compiled, copy);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertTrue(sandbox.shows(java), "this host's JDK lies under the system's folders: " + java);

        Map<String, String> env = new LinkedHashMap<>(cell.environment());
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        ProcessBuilder pb = new ProcessBuilder(cell.command(List.of(cell.inside(java), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", cell.inside(classes), name), cell.src())).directory(cell.src().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String ask(Writer to, BufferedReader from, String question) throws IOException {
        to.write(question + "\n");
        to.flush();
        return from.readLine();
    }

    @Test
    void aJvmInACellTalksOverItsStandardStreamsWithThePiKeysAgentAndNothingOfTheController() throws Exception {
        Sandbox sandbox = sandbox(SandboxKind.BUBBLEWRAP);
        try (BuildCell cell = sandbox.open("jvm-1", dir.resolve("work-1"), key, List.of())) {
            Process jvm = answerer(sandbox, cell);
            try (Writer to = jvm.outputWriter(StandardCharsets.UTF_8);
                 BufferedReader from = jvm.inputReader(StandardCharsets.UTF_8)) {
                assertEquals("said: hello", ask(to, from, "hello"));
                assertEquals(BuildCell.AGENT_SOCKET, ask(to, from, "env SSH_AUTH_SOCK"));
                assertEquals("true", ask(to, from, "exists " + BuildCell.AGENT_SOCKET));
                assertEquals("1 key", ask(to, from, "keys"));
                assertEquals("/build/home", ask(to, from, "env HOME"));
                assertEquals("false", ask(to, from, "exists /root"), "the host's /root");
                assertEquals("false", ask(to, from, "exists " + dir), "the test's temporary folder");
                assertEquals("false", ask(to, from, "exists " + config), "the controller's config");
                assertEquals("true", ask(to, from, "exists " + sandbox.srcInside(dir.resolve("work-1"))),
                        "its own folder, where the front end said it would be");
            }
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM ends when its input ends");
            assertEquals(0, jvm.exitValue());
        }
    }

    @Test
    void theCheckoutFolderIsKnownBeforeTheCellIsOpenedWithOrWithoutSandbox() throws Exception {
        for (SandboxKind kind : SandboxKind.values()) {
            Sandbox sandbox = sandbox(kind);
            Path work = dir.resolve("work-" + kind.wireName());
            String expected = sandbox.srcInside(work);
            try (BuildCell cell = sandbox.open("jvm-" + kind.wireName(), work, key, List.of())) {
                assertEquals(cell.inside(cell.src()), expected, kind.wireName());
            }
        }
    }
}
