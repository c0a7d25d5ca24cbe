package io.cattlepi.ci.engine;

import java.util.Optional;

/**
 * Port: re-asserts the workers' shared CattlePi config (what every Pi runs at boot) and says which
 * of its fields had drifted, if any; a build with root on its Pi could have changed it.
 */
@FunctionalInterface
public interface WorkersConfigCheck {
    /** The controller does not manage the workers' config (no {@code raspbian_location}). */
    WorkersConfigCheck NONE = Optional::empty;

    Optional<String> check() throws Exception;
}
