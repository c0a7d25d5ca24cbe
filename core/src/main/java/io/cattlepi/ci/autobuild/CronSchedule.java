package io.cattlepi.ci.autobuild;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) as in
 * crontab(5): lists, ranges, steps, {@code *}, and English names for months and days. The seed's
 * weekly release build is {@code 42 11 * * FRI}.
 */
public final class CronSchedule {
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private CronSchedule(String text, String[] f) {
        this.text = text;
        minutes = field("minute", f[0], 0, 59, List.of());
        hours = field("hour", f[1], 0, 23, List.of());
        daysOfMonth = field("day of month", f[2], 1, 31, List.of());
        months = field("month", f[3], 1, 12, MONTHS);
        daysOfWeek = field("day of week", f[4], 0, 7, DAYS);
        if (daysOfWeek.get(7)) {
            daysOfWeek.set(0); // both 0 and 7 are Sunday
        }
        anyDayOfMonth = f[2].equals("*");
        anyDayOfWeek = f[4].equals("*");
    }

    /** Parses an expression; the message of the exception names the bad field. */
    public static CronSchedule parse(String expression) {
        String[] fields = expression == null ? new String[0] : expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("a cron expression has 5 fields (minute hour day-of-month month day-of-week), got "
                    + fields.length);
        }
        return new CronSchedule(expression.trim(), fields);
    }

    /** The first time strictly after {@code after} that matches, at second 0. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5); // e.g. "0 0 31 2 *" never matches
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        throw new IllegalStateException("cron expression '" + text + "' never matches");
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow; // crontab(5): when both are restricted, either may match
    }

    private static BitSet field(String name, String spec, int min, int max, List<String> names) {
        BitSet set = new BitSet(max + 1);
        for (String part : spec.split(",")) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(name, part.substring(slash + 1), 1, max, List.of());
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                lo = number(name, ends[0], min, max, names);
                hi = number(name, ends[1], min, max, names);
                if (hi < lo) {
                    throw new IllegalArgumentException(name + ": range " + range + " runs backwards");
                }
            } else {
                lo = number(name, range, min, max, names);
                hi = slash >= 0 ? max : lo;
            }
            for (int v = lo; v <= hi; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String name, String token, int min, int max, List<String> names) {
        int named = names.indexOf(token.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return names == MONTHS ? named + 1 : named;
        }
        try {
            int v = Integer.parseInt(token);
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + ": " + v + " is outside " + min + "-" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + token + "' is not a number" + (names.isEmpty() ? "" : " or a name"));
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
