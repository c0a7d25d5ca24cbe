package io.cattlepi.ci.controller.http.svg;

import io.cattlepi.ci.controller.http.Html;
import io.cattlepi.ci.worker.WorkerState;
import java.util.Locale;

/**
 * What the pictures share: escaping (the page's, which is also well-formed XML), numbers written
 * the same in every locale, and one colour per Pi state so the timeline, its legend and the state
 * badges agree.
 */
final class Svg {
    /** Step colours, in order; a build with more steps than these reuses them. */
    private static final String[] STEPS = {"#4a90d9", "#f0ad4e", "#8e6bbf", "#3aa39a", "#d9534f", "#7a9a2e", "#c0679e"};

    private Svg() {
    }

    static String esc(Object value) {
        return Html.esc(value);
    }

    /** A coordinate or length with at most two decimals and a dot, whatever the default locale says. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }

    static String colour(WorkerState state) {
        return switch (state) {
            case READY -> "#5cb85c";
            case BUILDING -> "#4a90d9";
            case AUTOBUILD -> "#8e6bbf";
            case REBUILD -> "#f0ad4e";
            case UNKNOWN -> "#d9534f";
            case MAINTENANCE -> "#9a9a9a";
            case RETIRED -> "#555555";
        };
    }

    /** What the rack page calls a state in its legend: {@code rebuild} is a Pi being reset. */
    static String label(WorkerState state) {
        return state == WorkerState.REBUILD ? "resetting" : state.wireName();
    }

    static String stepColour(int index) {
        return STEPS[Math.floorMod(index, STEPS.length)];
    }

    /** A small coloured square and its name, for legends under the charts. */
    static String swatch(String colour, String name) {
        return "<span class=swatch><svg width=\"10\" height=\"10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\""
                + esc(colour) + "\"/></svg> " + esc(name) + "</span>";
    }
}
