package dev.eventsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The knobs of a {@link WireBenchmark} run, checked before any server starts ({@link #parse}), and the pure
 * decisions of the driver: which files a run writes ({@link #outputFiles}) and whether a fan-out side reached
 * its requested push rate ({@link #rateCheck}).
 */
record WireSettings(List<String> scenarios, boolean allScenarios, int rounds, Duration warmup, Duration measure,
                    Path results, boolean deflate, boolean jfr, List<String> serverJvm, int idle, String logLevel,
                    String eventsyncArgs) {

    /** Below this share of the requested pushes/s, a fan-out side's p99 was measured at another load. */
    static final double RATE_REACHED_SHARE = 0.9;

    /**
     * The settings from {@code property} ({@code name -> value or null}, the name without the
     * {@code eventsync.bench.} prefix); an {@link IllegalArgumentException} with one clear message for a bad one.
     */
    static WireSettings parse(UnaryOperator<String> property, List<String> known) {
        String all = String.join(",", known);
        List<String> names = Arrays.stream(get(property, "scenarios", all).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("wire.scenarios: unknown scenario '" + name + "'; known: " + known);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("wire.scenarios: no scenario named; known: " + known);
        }
        int rounds = integer(property, "rounds", "2");
        if (rounds < 1) {
            throw new IllegalArgumentException("wire.rounds must be at least 1, not " + rounds);
        }
        double warmup = seconds(property, "warmup", "2");
        if (warmup < 0) {
            throw new IllegalArgumentException("wire.warmup must not be negative, not " + warmup);
        }
        double measure = seconds(property, "measure", "3");
        if (measure <= 0) {
            throw new IllegalArgumentException("wire.measure must be more than 0 seconds, not " + measure);
        }
        int idle = integer(property, "idle", "10000");
        if (idle < 1) {
            throw new IllegalArgumentException("wire.idle must be at least 1, not " + idle);
        }
        Path results = Path.of(get(property, "results", "bench/results"));
        if (Files.exists(results) && !Files.isDirectory(results)) {
            throw new IllegalArgumentException("wire.results: " + results + " exists and is not a directory");
        }
        return new WireSettings(names, names.containsAll(known), rounds, Duration.ofMillis((long) (warmup * 1000)),
                Duration.ofMillis((long) (measure * 1000)), results,
                Boolean.parseBoolean(get(property, "deflate", "true")),
                Boolean.parseBoolean(get(property, "jfr", "false")),
                List.of(get(property, "serverJvm", "-Xms256m -Xmx1g").trim().split("\\s+")), idle,
                get(property, "logLevel", "WARN"), get(property, "eventsyncArgs", "").trim());
    }

    /** Only a full run without JFR updates {@code wire-latest*}: a subset or a profiled run is not comparable. */
    boolean updatesLatest() {
        return allScenarios && !jfr;
    }

    /** The prefixes of the files a run writes: {@code wire-<stamp>} always, {@code wire-latest} when it updates it. */
    static List<String> outputPrefixes(String stamp, boolean updatesLatest) {
        return updatesLatest ? List.of("wire-" + stamp, "wire-latest") : List.of("wire-" + stamp);
    }

    /** The files a run writes into the results directory: JSON and the two charts per prefix. */
    static List<String> outputFiles(String stamp, boolean updatesLatest) {
        List<String> files = new ArrayList<>();
        for (String prefix : outputPrefixes(stamp, updatesLatest)) {
            files.addAll(List.of(prefix + ".json", prefix + "-ratios.png", prefix + "-throughput.png"));
        }
        return files;
    }

    /**
     * The rate figures of a fan-out run: {@code rate_reached} (a boolean),
     * {@code pushes_per_s_requested} and {@code pushes_per_s_reached}; {@code reached} below
     * {@link #RATE_REACHED_SHARE} of {@code requested}, or not a number, is not reached.
     */
    static Map<String, Object> rateCheck(double requested, double reached) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate_reached", rateReached(requested, reached));
        m.put("pushes_per_s_requested", requested);
        m.put("pushes_per_s_reached", reached);
        return m;
    }

    static boolean rateReached(double requested, double reached) {
        return !Double.isNaN(reached) && reached >= RATE_REACHED_SHARE * requested;
    }

    /** The {@code settings} of the results JSON. */
    Map<String, Object> toJson(Optional<String> commit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenarios", scenarios);
        m.put("rounds", rounds);
        m.put("warmup_s", warmup.toMillis() / 1e3);
        m.put("measure_s", measure.toMillis() / 1e3);
        m.put("deflate_offered", deflate);
        m.put("deflate", deflate);
        m.put("server_jvm", serverJvm);
        m.put("eventsyncArgs", eventsyncArgs);
        m.put("logLevel", logLevel);
        m.put("jfr", jfr);
        m.put("idle", idle);
        commit.ifPresent(c -> m.put("git_commit", c));
        return m;
    }

    private static String get(UnaryOperator<String> property, String name, String fallback) {
        String v = property.apply(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static int integer(UnaryOperator<String> property, String name, String fallback) {
        String v = get(property, name, fallback);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("wire." + name + " must be a whole number, not '" + v + "'");
        }
    }

    private static double seconds(UnaryOperator<String> property, String name, String fallback) {
        String v = get(property, name, fallback);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("wire." + name + " must be a number of seconds, not '" + v + "'");
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("wire." + name + " must be a finite number of seconds, not '" + v + "'");
        }
        return d;
    }
}
