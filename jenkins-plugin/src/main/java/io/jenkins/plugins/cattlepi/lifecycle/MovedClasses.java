package io.jenkins.plugins.cattlepi.lifecycle;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.Items;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.util.XStream2;
import io.jenkins.plugins.cattlepi.agent.ControllerSideLauncher;
import io.jenkins.plugins.cattlepi.agent.OneShotRetention;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.PiMachine;
import io.jenkins.plugins.cattlepi.trigger.SqsCause;
import io.jenkins.plugins.cattlepi.trigger.SqsTrigger;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The plugin's classes left one flat package for feature packages. What Jenkins saved under the
 * old names still loads: clouds in {@code config.xml} and launchers or retention strategies in
 * {@code nodes/} (Jenkins' XStream), triggers in jobs' {@code config.xml} ({@link Items#XSTREAM2}),
 * causes in {@code build.xml} ({@link Run#XSTREAM2}) and {@code queue.xml} ({@link Queue#XSTREAM}).
 * The global configuration's own file is migrated by {@code CattlePiConfiguration#load}.
 */
public final class MovedClasses {
    /** Where every class lived in 0.1.0. */
    public static final String OLD_PACKAGE = "io.jenkins.plugins.cattlepi.";

    private MovedClasses() {
    }

    /**
     * Before the global configuration and the jobs are loaded (both need {@code EXTENSIONS_AUGMENTED},
     * Jenkins#loadTasks), as workflow-job's {@code WorkflowJob#alias} registers its own names.
     */
    @Initializer(before = InitMilestone.EXTENSIONS_AUGMENTED)
    public static void addAliases() {
        for (Class<?> c : List.of(PiCloud.class, PiMachine.class, ControllerSideLauncher.class, OneShotRetention.class)) {
            alias(Jenkins.XSTREAM2, c);
        }
        alias(Items.XSTREAM2, SqsTrigger.class);
        alias(Run.XSTREAM2, SqsCause.class);
        alias((XStream2) Queue.XSTREAM, SqsCause.class);
    }

    private static void alias(XStream2 xstream, Class<?> moved) {
        xstream.addCompatibilityAlias(OLD_PACKAGE + moved.getSimpleName(), moved);
    }
}
