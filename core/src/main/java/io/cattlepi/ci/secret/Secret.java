package io.cattlepi.ci.secret;

import java.util.Objects;

/** A credential from the config. {@code toString()} is masked so no log line, message or page can show it. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The real value, for the one call that needs it (an SDK client, a header). */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
