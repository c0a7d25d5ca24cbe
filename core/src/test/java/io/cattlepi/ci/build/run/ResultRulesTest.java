package io.cattlepi.ci.build.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/** The result rules on output as Ansible 2.14 and CattlePi's runner print it. */
class ResultRulesTest {
    private static ResultRules.Watch read(ResultRules rules, String... lines) {
        ResultRules.Watch w = rules.watch();
        for (String l : lines) {
            w.line("out", l);
        }
        return w;
    }

    @Test
    void aRecapWithFailedTasksFailsQuotingIt() {
        ResultRules.Watch w = read(ResultRules.defaults(), "TASK [boot] ***",
                "fatal: [127.0.0.2]: FAILED! => {\"changed\": true, \"rc\": 1}", "PLAY RECAP *********",
                "127.0.0.2                  : ok=12   changed=3    unreachable=0    failed=1    skipped=0    rescued=0");
        ResultRules.Match m = w.failure().orElseThrow();
        assertEquals("Ansible recap: failed tasks", m.rule());
        assertEquals("127.0.0.2 : ok=12 changed=3 unreachable=0 failed=1 skipped=0 rescued=0", m.quoted());
        assertFalse(m.unreachable());
    }

    @Test
    void aFatalLineAnsibleIgnoredDoesNotFailOnceTheRecapSaysAllIsWell() {
        ResultRules.Watch w = read(ResultRules.defaults(), "fatal: [pi]: FAILED! => {\"msg\": \"x\"}", "...ignoring",
                "pi : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1");
        assertEquals(Optional.empty(), w.failure());
        assertEquals(1, w.matches().size(), "still marked in the log");
    }

    @Test
    void aPlayCutShortFailsOnItsFatalLineAndUnreachableIsSaidSo() {
        ResultRules.Watch w = read(ResultRules.defaults(),
                "fatal: [127.0.0.1]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect\"}");
        assertTrue(w.failure().orElseThrow().unreachable());
        ResultRules.Watch recap = read(ResultRules.defaults(),
                "127.0.0.1 : ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0");
        assertTrue(recap.failure().orElseThrow().unreachable());
    }

    @Test
    void cattlePisOwnFailureLineFailsAndACleanRecapPasses() {
        assertTrue(read(ResultRules.defaults(), "failed processing recipe raspbian_cattlepi").failure().isPresent());
        assertEquals(Optional.empty(), read(ResultRules.defaults(),
                "pi : ok=9 changed=2 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0").failure());
    }

    @Test
    void operatorsPatternsAddToOrReplaceTheDefaultsAndSuccessPatternsAreRequired() {
        ResultRules own = ResultRules.of(List.of("^ERROR: "), false, List.of("^image built$"));
        assertEquals(Optional.empty(), read(own, "failed processing recipe x", "image built").failure());
        assertTrue(read(own, "ERROR: no image").failure().isPresent());
        assertTrue(read(own, "nothing to see").successMissing());
        assertFalse(read(own, "image built").successMissing());
        ResultRules both = ResultRules.of(List.of("^ERROR: "), true, List.of());
        assertTrue(read(both, "failed processing recipe x").failure().isPresent());
        assertThrows(PatternSyntaxException.class, () -> ResultRules.of(List.of("(unclosed"), true, List.of()));
    }
}
