package io.cattlepi.ci.simulator.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's ansible-playbook against a simulated Pi, the way CattlePi's recipes drive a real one:
 * an inventory holding only the Pi's address, {@code become}, a {@code copy} over SFTP, a
 * {@code command}, and CattlePi's reboot role ({@code /sbin/shutdown -r +1} in the background,
 * then {@code wait_for_connection}).
 */
class AnsibleOnSimulatedPiTest {
    /** shutdown's minute lasts 2 s: the role's wait starts after it (CattlePi waits 75 s for 60). */
    private static final PiTimings TIMINGS = new PiTimings(Duration.ofMillis(150), Duration.ofMillis(150), Duration.ofSeconds(2));

    @TempDir
    Path dir;

    @Test
    void cattlePiStylePlaybookWithBecomeCopyCommandAndRebootPasses() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ansible-playbook")), "Debian's ansible-core not installed");
        try (RackFixture rack = RackFixture.start(1, TIMINGS)) {
            SimulatedPi pi = rack.rack().pis().get(0);
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, Duration.ofSeconds(30)));
            String inventory = pi.port() == 22 ? pi.host() : pi.host() + " ansible_port=" + pi.port();
            Files.writeString(dir.resolve("hosts"), inventory + "\n");
            Files.writeString(dir.resolve("ansible.cfg"), """
                    [defaults]
                    inventory = hosts
                    remote_user = pi
                    private_key_file = %s
                    host_key_checking = False
                    interpreter_python = /usr/bin/python3
                    nocows = True
                    [ssh_connection]
                    ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null
                    control_path_dir = %s
                    """.formatted(rack.privateKeyFile(), Files.createDirectories(dir.resolve("cp"))));
            Path role = dir.resolve("roles/reboot_and_wait/tasks");
            Files.createDirectories(role);
            Files.writeString(role.resolve("main.yml"), """
                    - name: Rebooting host
                      become: true
                      shell: /sbin/shutdown -r +1
                      async: 1
                      poll: 0
                      ignore_errors: true

                    - name: Wait for host to come back
                      wait_for_connection:
                        timeout: 120
                        sleep: 1
                        delay: 4
                    """);
            Files.writeString(dir.resolve("site.yml"), """
                    - hosts: all
                      become: true
                      gather_facts: false
                      tasks:
                        - name: copy a file into the Pi's /etc (SFTP)
                          copy:
                            content: "hello from ansible\\n"
                            dest: /etc/cattlepi-ansible-test
                            mode: "0644"
                        - name: read it back
                          command: cat /etc/cattlepi-ansible-test
                          register: copied
                        - assert:
                            that: copied.stdout == "hello from ansible"
                        - command: cat /proc/sys/kernel/random/boot_id
                          register: before
                        - include_role:
                            name: reboot_and_wait
                        - command: cat /proc/sys/kernel/random/boot_id
                          register: after
                        - assert:
                            that: before.stdout != after.stdout
                    """);
            int boots = pi.bootCount();
            Path log = dir.resolve("ansible.log");
            ProcessBuilder pb = new ProcessBuilder("ansible-playbook", "site.yml").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("HOME", dir.toString());
            pb.environment().put("ANSIBLE_CONFIG", dir.resolve("ansible.cfg").toString());
            pb.environment().put("ANSIBLE_NOCOLOR", "1");
            pb.environment().put("ANSIBLE_LOCAL_TEMP", dir.resolve("tmp").toString());
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("failed=0"), out);
            assertFalse(out.contains("sftp transfer mechanism failed"), out);
            assertFalse(out.toLowerCase().contains("warning"), out);
            assertEquals(boots + 1, pi.bootCount(), "the Pi rebooted once");
            assertEquals("hello from ansible\n", Files.readString(pi.hostPath("/etc/cattlepi-ansible-test")));
            assertFalse(Files.exists(Path.of("/etc/cattlepi-ansible-test")), "never on the host");
        }
    }
}
