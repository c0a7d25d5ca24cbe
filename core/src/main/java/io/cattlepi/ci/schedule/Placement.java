package io.cattlepi.ci.schedule;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which Pi may take which build: the labels each Pi carries ({@code pi3b+}, {@code pi4},
 * {@code usb-ssd}) and the labels a repository ({@code owner/name}) or one of its branches
 * ({@code owner/name@branch}, for pushes to it) requires. A build may run on a Pi that carries every
 * label it requires. A pull request's build follows its repository's rule (its head branch is the
 * contributor's, not a branch of the repository's).
 */
public record Placement(Map<String, Set<String>> piLabels, Map<String, Set<String>> required) {
    /** No labels anywhere: any Pi takes any build. */
    public static final Placement ANYWHERE = new Placement(Map.of(), Map.of());

    public Placement {
        piLabels = Map.copyOf(piLabels);
        required = required.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> e.getKey().toLowerCase(Locale.ROOT), e -> Set.copyOf(e.getValue())));
    }

    /** The rack's labels as configured, and what builds require. */
    public static Placement of(List<RackMember> rack, Map<String, Set<String>> required) {
        return new Placement(rack.stream().collect(Collectors.toUnmodifiableMap(RackMember::id, RackMember::labels)),
                required);
    }

    public Set<String> requiredBy(Build b) {
        if (b.repository() == null || required.isEmpty()) {
            return Set.of();
        }
        String repo = b.repository().toLowerCase(Locale.ROOT);
        Set<String> out = new HashSet<>(required.getOrDefault(repo, Set.of()));
        if (b.ref() != null && b.ref().startsWith("refs/heads/")) {
            out.addAll(required.getOrDefault(repo + "@" + b.ref().substring("refs/heads/".length()).toLowerCase(Locale.ROOT),
                    Set.of()));
        }
        return out;
    }

    public Set<String> labelsOf(String workerId) {
        return piLabels.getOrDefault(workerId, Set.of());
    }

    public boolean fits(Worker pi, Build b) {
        return labelsOf(pi.id()).containsAll(requiredBy(b));
    }
}
