package io.cattlepi.ci.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Core's shape, held against its compiled classes: packages depend on each other in one
 * direction only, and core stays free of web servers and Jenkins so both front ends can take it.
 */
class ArchitectureTest {
    /** Core's own main classes only: not its tests, not the peers on the test class path. */
    private static final JavaClasses CORE = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void theClassesAreCoresOwn() {
        assertTrue(CORE.containPackage("io.cattlepi.ci.engine") && CORE.size() > 100, "imported " + CORE.size());
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        slices().matching("io.cattlepi.ci.(**)").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void coreKnowsNoWebServerAndNoJenkins() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..",
                "javax.servlet..", "org.eclipse.jetty..", "hudson..", "jenkins..", "org.kohsuke.stapler..",
                "org.jenkinsci..").check(CORE);
    }
}
