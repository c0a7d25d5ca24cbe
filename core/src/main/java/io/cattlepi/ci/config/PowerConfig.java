package io.cattlepi.ci.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.cattlepi.ci.power.PowerCommands;
import io.cattlepi.ci.power.PowerSettings;
import io.cattlepi.ci.worker.RackMember;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rack's power control from the config: {@code power} (every Pi's commands, with
 * placeholders) and {@code build_machines[].power} (one Pi's own, which wins), each
 * {@code {"off": [argv], "on": [argv]}}; and the pacing settings.
 */
final class PowerConfig {
    private PowerConfig() {
    }

    static PowerSettings read(ConfigFields f, List<RackMember> rack) {
        PowerCommands common = commands(f, f.raw("power"), f.at("power"));
        Map<String, JsonNode> own = ownCommands(f);
        Map<String, PowerCommands> byPi = new LinkedHashMap<>();
        for (int i = 0; i < rack.size(); i++) {
            RackMember m = rack.get(i);
            String at = f.at("build_machines") + "[" + m.id() + "].power";
            PowerCommands c = own.containsKey(m.id()) ? commands(f, own.get(m.id()), at) : common;
            if (c == null) {
                continue;
            }
            try {
                byPi.put(m.id(), c.forPi(m));
            } catch (IllegalArgumentException e) {
                f.problem(own.containsKey(m.id()) ? at : f.at("power"), e.getMessage());
            }
        }
        return new PowerSettings(byPi,
                f.seconds("power_cycle_after_s", (int) PowerSettings.DEFAULT_CYCLE_AFTER.toSeconds()),
                f.positiveInt("power_cycles_per_hour", PowerSettings.DEFAULT_PER_HOUR),
                f.seconds("power_off_s", (int) PowerSettings.DEFAULT_OFF_FOR.toSeconds()),
                f.seconds("power_command_timeout_s", (int) PowerSettings.DEFAULT_COMMAND_TIMEOUT.toSeconds()));
    }

    /** The {@code power} objects of {@code build_machines} entries, by the Pi's name. */
    private static Map<String, JsonNode> ownCommands(ConfigFields f) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode list = f.raw("build_machines");
        if (list == null || !list.isArray()) {
            return out;
        }
        for (JsonNode m : list) {
            if (m.isObject() && m.hasNonNull("power")) {
                out.put(m.path("name").asText(m.path("host").asText("")), m.get("power"));
            }
        }
        return out;
    }

    /** One {@code {"off": [...], "on": [...]}}; null when absent or after recording a problem. */
    private static PowerCommands commands(ConfigFields f, JsonNode v, String at) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            f.problem(at, "expected {\"off\": [program, args...], \"on\": [program, args...]}, got " + ConfigFields.kind(v));
            return null;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigFields pf = new ConfigFields(v, at, problems);
        List<String> off = pf.strings("off", List.of());
        List<String> on = pf.strings("on", List.of());
        problems.forEach(p -> f.problem(p.path(), p.message()));
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            return new PowerCommands(off, on);
        } catch (IllegalArgumentException e) {
            f.problem(at, e.getMessage() + " (each command is a list: program, then its arguments; no shell)");
            return null;
        }
    }
}
