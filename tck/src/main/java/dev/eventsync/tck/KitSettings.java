package dev.eventsync.tck;

import java.security.SecureRandom;
import java.util.OptionalLong;

/**
 * The kit's run settings from system properties: {@code -Deventsync.tck.seed=} replays a run (the first
 * try of every property rule uses exactly that seed) and {@code -Deventsync.tck.tries=} sets the number
 * of tries of property rules.
 */
public final class KitSettings {

    public static final String SEED_PROPERTY = "eventsync.tck.seed";
    public static final String TRIES_PROPERTY = "eventsync.tck.tries";
    public static final String REPORT_DIR_PROPERTY = "eventsync.tck.reportDir";
    public static final String PROFILE_PROPERTY = "eventsync.tck.profile";
    public static final String TIER_PROPERTY = "eventsync.tck.tier";

    /** How long and how hard the kit tries. */
    public enum Tier {
        /** For every build: short idles, few tries (seconds per provider in memory). */
        FAST,
        /** On request: idles beyond common server and proxy idle timeouts (70 s), five times the tries. */
        THOROUGH;

        /** {@code fast} or {@code thorough}, in any case. */
        public static Tier parse(String value) {
            for (Tier t : values()) {
                if (t.name().equalsIgnoreCase(value.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown tier '" + value + "'; use fast or thorough");
        }
    }

    private static final long RUN_SEED = new SecureRandom().nextLong();

    private KitSettings() {
    }

    /** The seed given with {@code -Deventsync.tck.seed}, if any. */
    public static OptionalLong replaySeed() {
        String value = System.getProperty(SEED_PROPERTY);
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a long, got '" + value + "'", e);
        }
    }

    /** The profile given with {@code -Deventsync.tck.profile} ({@code livestore} or {@code eventsync}), else eventsync. */
    public static Rule.Profile profile() {
        String value = System.getProperty(PROFILE_PROPERTY);
        return value == null || value.isBlank() ? Rule.Profile.EVENTSYNC : Rule.Profile.parse(value);
    }

    /** The tier given with {@code -Deventsync.tck.tier} ({@code fast} or {@code thorough}), else fast. */
    public static Tier tier() {
        String value = System.getProperty(TIER_PROPERTY);
        return value == null || value.isBlank() ? Tier.FAST : Tier.parse(value);
    }

    /**
     * The number of tries: {@code -Deventsync.tck.tries} if given, else {@code defaultTries} (five times that in
     * the thorough tier).
     */
    public static int tries(int defaultTries) {
        String value = System.getProperty(TRIES_PROPERTY);
        if (value == null || value.isBlank()) {
            return tier() == Tier.THOROUGH ? defaultTries * 5 : defaultTries;
        }
        try {
            int tries = Integer.parseInt(value.trim());
            if (tries < 1) {
                throw new IllegalArgumentException("-D" + TRIES_PROPERTY + " must be at least 1, got " + tries);
            }
            return tries;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + TRIES_PROPERTY + " must be an int, got '" + value + "'", e);
        }
    }

    /**
     * The seed of try {@code index} of {@code rule}: the replay seed for try 0 when one was given, else a
     * value derived from the run's random seed, the rule and the index.
     */
    public static long seedOf(Rule rule, int index) {
        OptionalLong replay = replaySeed();
        long base = replay.isPresent() ? replay.getAsLong() : mix(RUN_SEED ^ (rule.ordinal() * 0x9E3779B97F4A7C15L));
        long seed = base;
        for (int i = 0; i < index; i++) {
            seed = mix(seed);
        }
        return seed;
    }

    /** SplitMix64's finaliser: a well-spread successor of {@code z}. */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
