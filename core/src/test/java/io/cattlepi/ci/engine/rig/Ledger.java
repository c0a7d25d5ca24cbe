package io.cattlepi.ci.engine.rig;

import java.util.ArrayList;
import java.util.List;

/** What the outside world saw, in order: statuses posted, folders published, messages deleted. */
public final class Ledger {
    private final List<String> entries = new ArrayList<>();

    public synchronized void record(String entry) {
        entries.add(entry);
    }

    public synchronized List<String> entries() {
        return List.copyOf(entries);
    }

    /** Entries that start with {@code prefix}. */
    public synchronized List<String> all(String prefix) {
        return entries.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    /** Where the first entry starting with {@code prefix} is, or -1. */
    public synchronized int indexOf(String prefix) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
