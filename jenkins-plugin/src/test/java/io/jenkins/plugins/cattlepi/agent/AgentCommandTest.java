package io.jenkins.plugins.cattlepi.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.sandbox.SandboxKind;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.secret.Secret;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's one command line, in a real bubblewrap cell (a plain unit test: no Jenkins runs). It
 * starts the controller's JDK as the cell sees it on the jar in the cell's own folder, with that
 * folder as remoting's work folder, and an environment of the cell's own and nothing of the
 * controller's.
 */
class AgentCommandTest {
    private static final long GIB = 1024L * 1024 * 1024;

    @TempDir
    Path dir;

    private Secret key() throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id").toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ssh-keygen");
        return new Secret(Files.readString(dir.resolve("id")));
    }

    @Test
    void theAgentRunsTheControllersJavaOnItsJarInItsCellWithTheCellsEnvironmentOnly() throws Exception {
        Sandbox sandbox = Sandbox.start(new SandboxSettings(SandboxKind.BUBBLEWRAP, 256, 2 * GIB, List.of()));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (BuildCell cell = sandbox.open("agent-test", dir.resolve("node"), key(), List.of())) {
            AgentCommand agent = AgentCommand.inCell(cell, java, cell.src().resolve("agent.jar"), 2 * GIB,
                    "/usr/local/bin:/usr/bin:/bin");
            List<String> command = agent.command();
            int javaAt = command.indexOf(cell.inside(java));
            assertTrue(javaAt > 0, "the sandbox and limits come first: " + command);
            assertEquals(List.of("-Xmx512m", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=128m",
                    "-XX:+UseSerialGC", "-Djava.io.tmpdir=/tmp", "-jar", "/build/src/agent.jar", "-workDir",
                    "/build/src"), command.subList(javaAt + 1, command.size()));
            assertEquals(sandbox.srcInside(dir.resolve("node")), "/build/src", "the node's remote folder");
            assertEquals(Set.of("PATH", "LANG", "MALLOC_ARENA_MAX", "HOME", "TMPDIR", "SSH_AUTH_SOCK"),
                    agent.environment().keySet());
            assertEquals("/build/home", agent.environment().get("HOME"));
            assertEquals(cell.src(), agent.directory());
        }
    }

    /** Stands in for remoting's agent: answers a line on stdin with its arguments on stdout, until stdin ends. */
    public static final class StandIn {
        public static void main(String[] args) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                System.out.println(line + " " + String.join(" ", args) + " " + System.getenv("SSH_AUTH_SOCK"));
                System.out.flush();
            }
        }
    }

    /** A jar like agent.jar: the stand-in as its Main-Class. */
    private static void standInJar(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StandIn.class.getName());
        String entry = StandIn.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream in = StandIn.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    @Test
    void theCommandStartsTheJarInTheCellTalkingOverItsStandardStreams() throws Exception {
        Sandbox sandbox = Sandbox.start(new SandboxSettings(SandboxKind.BUBBLEWRAP, 256, 2 * GIB, List.of()));
        try (BuildCell cell = sandbox.open("agent-run", dir.resolve("node"), key(), List.of())) {
            Path jar = cell.src().resolve("agent.jar");
            standInJar(jar);
            AgentCommand agent = AgentCommand.inCell(cell, Path.of(System.getProperty("java.home"), "bin", "java"), jar,
                    2 * GIB, null);
            Process p = agent.processBuilder().redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (Writer to = p.outputWriter(StandardCharsets.UTF_8);
                 BufferedReader from = p.inputReader(StandardCharsets.UTF_8)) {
                to.write("hello\n");
                to.flush();
                assertEquals("hello -workDir /build/src /run/cattlepi-ci/agent.sock", from.readLine());
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent ends with its input");
            assertEquals(0, p.exitValue());
        }
    }

    @Test
    void theAgentsHeapIsAQuarterOfTheCellBetween128And512MiB() {
        assertEquals("-Xmx256m", AgentCommand.jvmOptions(GIB).get(0));
        assertEquals("-Xmx512m", AgentCommand.jvmOptions(8 * GIB).get(0));
        assertEquals("-Xmx128m", AgentCommand.jvmOptions(GIB / 4).get(0));
    }
}
