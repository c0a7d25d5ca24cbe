package io.cattlepi.ci.demo.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seed's bash workflow as a model in virtual time, to run the benchmark's job streams through
 * what users run today. One pass of {@code workflow.sh} is: the monitor ({@code builder_monitor.sh}:
 * a Pi is looked at only when {@code BUILDERTIMEOUT} passed since its last action, and the pass
 * stops at the first transition, the scripts' {@code exit 0}), the autobuild check, one short-poll
 * {@code aws sqs receive-message} when no message is staged (one staged at a time), scheduling onto
 * a random ready Pi, and starting builder processes. A builder posts {@code pending}, uploads the
 * job folder with the AWS CLI, checks out, runs its steps, then posts the result, deletes the
 * message and uploads again with the CLI, and puts its Pi in {@code rebuild}. Every call costs what
 * {@link Costs} says; nothing else takes time.
 *
 * <p>Where the reference is silent the model takes the seed's faster reading: a {@code rebuild}
 * Pi found alive but off stock is reset by the monitor (and stays {@code rebuild}); a receive
 * returns the oldest visible message (real short polls sometimes return nothing); a Pi being
 * rebooted refuses SSH at once (no 5 s connect timeout).
 */
final class SeedLoopModel {
    /** What each call of the scripts costs, in seconds. */
    record Costs(double builderTimeout, double jobTimeout, double awsCli, double ssh, double passOverhead,
                 double builderStart, double queueVisibility) {
        /**
         * @param awsCli       one AWS CLI process (Python start-up and the call)
         * @param builderStart the builder's pending status and checkout, as the controller measured its own
         */
        static Costs seed(double awsCli, double builderStart) {
            return new Costs(60, 2700, awsCli, 0.08, 0.1, builderStart, 30);
        }
    }

    /** One job stream's outcome. */
    record Outcome(List<Double> dispatch, List<Double> turnaroundOverhead, double makespan) {
    }

    private enum State { UNKNOWN, REBUILD, READY, BUILDING }

    private static final class Pi {
        State state = State.UNKNOWN;
        double lastAction = Double.NEGATIVE_INFINITY;
        double downUntil;
        boolean stock = true;
        Job job;
        boolean builderRunning;
        double builtAt = Double.NaN;
        double resetAt = Double.NaN;
    }

    private static final class Job {
        final double arrival;
        double visibleAt;
        boolean deleted;
        double firstStep = Double.NaN;
        double end = Double.NaN;

        Job(double arrival) {
            this.arrival = arrival;
            this.visibleAt = arrival;
        }
    }

    private final Costs costs;
    private final double length;
    private final double reset;
    private final Random random = new Random(17);
    private final List<Pi> pis = new ArrayList<>();
    private final List<Job> queue = new ArrayList<>();
    private final List<Double> overheads = new ArrayList<>();
    private Job staged;
    private double now;
    /** How long the previous pass took: a delivery arrives somewhere within the next one. */
    private double lastPass;

    /**
     * @param length a build's steps, seconds
     * @param reset  how long a Pi takes from the restore command to answering on stock
     */
    SeedLoopModel(Costs costs, int pis, double length, double reset) {
        this.costs = costs;
        this.length = length;
        this.reset = reset;
        for (int i = 0; i < pis; i++) {
            this.pis.add(new Pi());
        }
    }

    /**
     * {@code jobs} all queued when the loop starts with every Pi unknown (the makespan stream): the
     * Pis' first reset is counted, as the ideal counts the last one.
     */
    Outcome allAtOnce(int jobs) {
        List<Job> all = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            all.add(new Job(0));
        }
        queue.addAll(all);
        while (all.stream().anyMatch(j -> Double.isNaN(j.end))) {
            pass();
        }
        double last = all.stream().mapToDouble(j -> j.end).max().orElse(0);
        return new Outcome(dispatchOf(all), List.copyOf(overheads), last);
    }

    /**
     * {@code jobs} delivered whenever a ready Pi has no delivery waiting for it (the dispatch
     * stream, paced as the controller's dispatch benchmark paces its own): each arrives at a random
     * moment of the next pass, as a webhook would.
     */
    Outcome closedLoop(int jobs) {
        while (pis.stream().anyMatch(p -> p.state != State.READY)) {
            pass();
        }
        overheads.clear();
        List<Job> all = new ArrayList<>();
        while (all.size() < jobs || all.stream().anyMatch(j -> Double.isNaN(j.firstStep))) {
            long unbound = all.stream().filter(j -> Double.isNaN(j.firstStep)
                    && pis.stream().noneMatch(p -> p.job == j)).count();
            long ready = pis.stream().filter(p -> p.state == State.READY).count();
            if (all.size() < jobs && ready > unbound) {
                Job j = new Job(now + random.nextDouble() * lastPass);
                all.add(j);
                queue.add(j);
            }
            pass();
        }
        return new Outcome(dispatchOf(all), List.copyOf(overheads), Double.NaN);
    }

    private void pass() {
        double start = now;
        monitor();
        // autobuild: no request in these streams; its check is part of the pass overhead.
        if (staged == null) {
            now += costs.awsCli();
            staged = receive();
        }
        schedule();
        runBuilders();
        now += costs.passOverhead();
        lastPass = now - start;
    }

    private void monitor() {
        for (Pi p : pis) {
            settle(p);
            if (p.state == State.BUILDING || now - p.lastAction <= costs.builderTimeout()) {
                continue;
            }
            now += costs.ssh();
            boolean alive = now >= p.downUntil;
            State before = p.state;
            switch (p.state) {
                case UNKNOWN -> {
                    if (alive) {
                        startReset(p);
                        p.state = State.REBUILD;
                    }
                }
                case REBUILD -> {
                    if (alive) {
                        now += 2 * costs.ssh();
                        if (p.stock) {
                            p.state = State.READY;
                            if (!Double.isNaN(p.builtAt)) {
                                overheads.add(now - p.builtAt - reset);
                                p.builtAt = Double.NaN;
                            }
                        } else {
                            startReset(p);
                        }
                    }
                }
                case READY -> {
                    if (!alive) {
                        p.state = State.UNKNOWN;
                    }
                }
                default -> {
                }
            }
            p.lastAction = now;
            if (p.state != before || p.resetAt == now) {
                return; // exit 0: one transition (or reset) per pass
            }
        }
    }

    private void startReset(Pi p) {
        now += costs.ssh();
        p.downUntil = now + reset;
        p.stock = true; // once it answers again, it answers on stock
        p.resetAt = now;
    }

    private Job receive() {
        for (Job j : queue) {
            if (!j.deleted && j.visibleAt <= now) {
                // The queue's default visibility: it comes back while its build still runs.
                j.visibleAt = now + costs.queueVisibility();
                return j;
            }
        }
        return null;
    }

    private void schedule() {
        if (staged == null) {
            return;
        }
        if (pis.stream().anyMatch(p -> p.job == staged)) {
            staged = null; // already bound to a building Pi: not scheduled twice
            return;
        }
        List<Pi> ready = new ArrayList<>(pis.stream().filter(p -> p.state == State.READY).toList());
        if (ready.isEmpty()) {
            return;
        }
        Collections.shuffle(ready, random);
        Pi p = ready.get(0);
        p.state = State.BUILDING;
        p.job = staged;
        p.lastAction = now;
        staged = null;
    }

    private void runBuilders() {
        for (Pi p : pis) {
            if (p.state == State.BUILDING && !p.builderRunning) {
                p.builderRunning = true;
                Job j = p.job;
                // pending (curl), job folder to S3 (AWS CLI), checkout; then the steps.
                j.firstStep = now + costs.builderStart() + costs.awsCli();
                j.end = j.firstStep + length;
            }
        }
    }

    /** A builder that finished before now: status, message deletion and upload (two CLI calls), then rebuild. */
    private void settle(Pi p) {
        if (p.state != State.BUILDING || !p.builderRunning) {
            return;
        }
        double done = p.job.end + 2 * costs.awsCli();
        if (done > now) {
            if (now - p.lastAction > costs.jobTimeout()) {
                p.builderRunning = false;
                p.job = null;
                p.state = State.UNKNOWN;
                p.lastAction = now;
            }
            return;
        }
        p.job.deleted = true;
        p.builtAt = p.job.end;
        p.job = null;
        p.builderRunning = false;
        p.state = State.REBUILD;
        p.stock = false; // the recipe left its own image on the Pi
        p.lastAction = done;
    }

    private static List<Double> dispatchOf(List<Job> jobs) {
        return jobs.stream().filter(j -> !Double.isNaN(j.firstStep)).map(j -> j.firstStep - j.arrival).toList();
    }
}
