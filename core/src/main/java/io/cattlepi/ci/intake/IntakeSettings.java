package io.cattlepi.ci.intake;

import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Which deliveries become builds, and how the webhook receiver knows they come from GitHub.
 *
 * @param repository    the repository itself (built by the autobuild; the default allow-list)
 * @param allowed       {@code owner/name}s whose deliveries are built
 * @param pushBranches  branches whose pushes are built; empty means the default branch
 * @param cloneBase     where repositories are cloned from ({@code owner/name.git} appended); never the payload's URL
 * @param webhookSecret GitHub's webhook secret, or null when {@code POST /webhook} is off
 * @param trusted       {@code author_association}s whose pull requests run unasked ({@code *}: everyone's)
 * @param okToTest      the label that lets an outsider's pull request run
 * @param cancelSuperseded whether a newer head or push, or closing a pull request, cancels builds
 *                      that already run (not only queued ones)
 */
public record IntakeSettings(String repository, List<String> allowed, List<String> pushBranches, boolean buildDrafts,
                             URI cloneBase, Secret webhookSecret, List<String> trusted, String okToTest,
                             boolean cancelSuperseded) {
    public static final String DEFAULT_REPOSITORY = "cattlepi/cattlepi";
    public static final URI DEFAULT_CLONE_BASE = URI.create("https://github.com/");

    public IntakeSettings {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(cloneBase, "cloneBase");
        allowed = List.copyOf(allowed);
        pushBranches = List.copyOf(pushBranches);
        trusted = List.copyOf(trusted);
        Objects.requireNonNull(okToTest, "okToTest");
    }

    public DeliveryFilter filter() {
        return new DeliveryFilter(new HashSet<>(allowed), pushBranches, buildDrafts, cloneBase.toString(), trusted,
                okToTest, cancelSuperseded);
    }

    /** Where the repository itself is cloned from. */
    public String cloneUrl(String ownerName) {
        return cloneBase + ownerName + ".git";
    }
}
