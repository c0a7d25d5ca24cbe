package io.jenkins.plugins.cattlepi.lifecycle;

import hudson.security.ACL;
import hudson.util.ClassLoaderSanityThreadFactory;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jenkins.security.ImpersonatingScheduledExecutorService;

/**
 * Threads of the plugin's own for work that opens stores, talks to SQS, S3, GitHub or the Pis, so
 * none of it runs on threads Jenkins shares (the Timer, the CPS VM thread, an executor, the queue
 * lock). Named, daemon, ending when idle, and running as the system, as core's own background work
 * does (AsyncPeriodicWork#doRun): they look up jobs and runs whatever their permissions.
 */
public final class PluginThreads {
    private PluginThreads() {
    }

    /** One queue of work, in submission order. */
    public static ScheduledExecutorService serial(String name) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, new NamingThreadFactory(
                new ClassLoaderSanityThreadFactory(new DaemonThreadFactory()), "CattlePi " + name));
        pool.setKeepAliveTime(1, TimeUnit.MINUTES);
        pool.allowCoreThreadTimeOut(true);
        pool.setRemoveOnCancelPolicy(true);
        return new ImpersonatingScheduledExecutorService(pool, ACL.SYSTEM2);
    }
}
