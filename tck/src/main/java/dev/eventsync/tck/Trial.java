package dev.eventsync.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One try of one rule: the history of steps the kit took (for the failure message), the seed, and the
 * errors raised on other threads (subscribers, racing pushers), which are collected here and asserted at
 * the end of the try instead of being lost in a log.
 */
public final class Trial {

    private final Rule rule;
    private final OptionalLong seed;
    private final List<String> steps = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> asyncErrors = new ConcurrentLinkedQueue<>();

    public Trial(Rule rule, OptionalLong seed) {
        this.rule = Objects.requireNonNull(rule, "rule");
        this.seed = Objects.requireNonNull(seed, "seed");
    }

    /** A try of a fixed scenario (no seed). */
    public static Trial fixed(Rule rule) {
        return new Trial(rule, OptionalLong.empty());
    }

    public Rule rule() {
        return rule;
    }

    public OptionalLong seed() {
        return seed;
    }

    /** Records a step of the history. */
    public void step(String step) {
        synchronized (steps) {
            steps.add(step);
        }
    }

    /** The steps so far. */
    public List<String> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    /** A violation of this try's rule with its history and seed. */
    public RuleViolation violation(String what, Object expected, Object actual) {
        return RuleViolation.of(rule, what, expected, actual, steps(), OptionalLong.empty(), seed);
    }

    /** Fails the try unless {@code ok}. */
    public void check(boolean ok, String what, Object expected, Object actual) {
        if (!ok) {
            throw violation(what, expected, actual);
        }
    }

    /** Fails the try unless {@code expected.equals(actual)}. */
    public void checkEqual(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw violation(what, expected, actual);
        }
    }

    /** Records an error seen on another thread; {@link #assertNoAsyncErrors()} reports it. */
    public void flop(String error) {
        asyncErrors.add(error);
    }

    /** Fails the try if any thread recorded an error. */
    public void assertNoAsyncErrors() {
        if (!asyncErrors.isEmpty()) {
            List<String> errors = new ArrayList<>(asyncErrors);
            throw violation("errors were raised on other threads", "no errors", String.join(" | ", errors));
        }
    }
}
