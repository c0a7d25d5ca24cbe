package io.cattlepi.ci.autobuild;

import java.util.Objects;

/**
 * When the release build runs and what it builds.
 *
 * @param schedule   five-field cron in the controller's time zone (the seed's Friday 11:42)
 * @param repository {@code owner/name}
 * @param cloneUrl   where its default branch is fetched from
 * @param branch     the branch built
 */
public record AutobuildSettings(CronSchedule schedule, String repository, String cloneUrl, String branch) {
    public static final String DEFAULT_SCHEDULE = "42 11 * * FRI";
    public static final String DEFAULT_BRANCH = "master";

    public AutobuildSettings {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(cloneUrl, "cloneUrl");
        Objects.requireNonNull(branch, "branch");
    }
}
