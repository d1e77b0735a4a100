package dev.eventsync.bench;

import dev.eventsync.bench.wire.LoadGenerator;
import dev.eventsync.bench.wire.Workload;
import dev.eventsync.jdbc.JdbcDialect;
import dev.eventsync.jdbc.JdbcDialects;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire-level benchmark of issue 13: for each scenario, a baseline server (A: the transport floor, or
 * Eventsync on memory storage) and Eventsync (B) run alternately, A B A B ..., each run in a fresh server
 * process, under the same {@link LoadGenerator} workload; it reports medians per side, the ratio B/A of every
 * round and their median, and writes {@code wire-<time>.json} and its two charts into the results directory (a full
 * run without JFR also {@code wire-latest.json} and {@code wire-latest-*.png}). A run the generator could not
 * verify counts for nothing, and the driver exits with 1 when any scenario is not verified.
 *
 * <p>System properties ({@code -Deventsync.bench.<name>}): {@code scenarios} (comma-separated names of
 * {@link #SCENARIOS}, default all), {@code rounds} (2), {@code warmup} / {@code measure} (seconds, 2 / 3),
 * {@code results} (directory, {@code bench/results}), {@code deflate} (whether the generator offers
 * permessage-deflate, as LiveStore does: {@code true}), {@code jfr} (record a JFR profile, {@code settings=profile}, of the
 * measured interval of every server run into the results directory), {@code serverJvm} (extra JVM options of the
 * servers), {@code idle} (connections of the idle scenario, 10 000), {@code logLevel} (Eventsync's {@code --log-level}, WARN),
 * {@code eventsyncArgs} (more {@code serve} options, space-separated, e.g. {@code --ws-compression false}).
 */
public final class WireBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(WireBenchmark.class);
    /** Connections of Eventsync's pool in the PostgreSQL scenarios: one per store, as the raw-JDBC baseline opens. */
    static final int POSTGRESQL_POOL = 16;

    /** What is compared: the ratio B/A of {@code metric}; {@code target} is what issue 13 asks of it. */
    record Scenario(String name, Workload workload, Side a, Side b, Metric metric, String target) {
        Scenario withTimes(Duration warmup, Duration measure) {
            return new Scenario(name, workload.withTimes(warmup, measure), a, b, metric, target);
        }

        Scenario withIdle(int connections) {
            return new Scenario(name, Workload.idle(connections), a, b, metric, target);
        }
    }

    /** The figure a scenario compares. */
    enum Metric {
        RATE("events/s", true), P99("p99 delivery ms", false), RSS("server RSS MiB", false);

        final String unit;
        final boolean higherIsBetter;

        Metric(String unit, boolean higherIsBetter) {
            this.unit = unit;
            this.higherIsBetter = higherIsBetter;
        }
    }

    /** A server under test. */
    enum Side {
        FLOOR, MEMORY, MEMORY_DEFLATE, SQLITE, POSTGRESQL,
        /** No server: {@link RawJdbcLoad}'s writers append the same rows to PostgreSQL from the driver's JVM. */
        RAW_POSTGRESQL
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("push-4x1", Workload.push(4, 1, 50, false), Side.FLOOR, Side.MEMORY, Metric.RATE, ">= 0.6"),
            new Scenario("push-16x1", Workload.push(16, 1, 50, false), Side.FLOOR, Side.MEMORY, Metric.RATE, ">= 0.6"),
            new Scenario("push-4x4", Workload.push(4, 4, 50, false), Side.FLOOR, Side.MEMORY, Metric.RATE, ">= 0.6"),
            new Scenario("push-4x4-contend", Workload.push(4, 4, 50, true), Side.FLOOR, Side.MEMORY, Metric.RATE, "-"),
            new Scenario("push-1event", Workload.push(4, 1, 1, false), Side.FLOOR, Side.MEMORY, Metric.RATE, "-"),
            new Scenario("pull-100k", Workload.pull(100_000, 1), Side.FLOOR, Side.MEMORY, Metric.RATE, ">= 0.7"),
            new Scenario("sqlite-4x1", Workload.push(4, 1, 50, false), Side.MEMORY, Side.SQLITE, Metric.RATE, ">= 0.5"),
            new Scenario("postgresql-16x1", Workload.push(16, 1, 50, false), Side.MEMORY, Side.POSTGRESQL,
                    Metric.RATE, "report"),
            // the same rows appended by raw JDBC (one writer per store, no server) against Eventsync over the wire
            new Scenario("postgresql-16x1-raw", Workload.push(16, 1, 50, false), Side.RAW_POSTGRESQL, Side.POSTGRESQL,
                    Metric.RATE, "report"),
            new Scenario("fanout-1000", Workload.fanout(1000, 100), Side.FLOOR, Side.MEMORY, Metric.P99,
                    "p99 <= 20 ms"),
            // the same target at a tenth of the deliveries (10 000/s), which a 2-core machine that also runs the
            // generator can carry: 1 000 subscribers at 10 pushes/s, and 100 subscribers at 100 pushes/s
            new Scenario("fanout-1000-10", Workload.fanout(1000, 10), Side.FLOOR, Side.MEMORY, Metric.P99,
                    "p99 <= 20 ms"),
            new Scenario("fanout-100", Workload.fanout(100, 100), Side.FLOOR, Side.MEMORY, Metric.P99,
                    "p99 <= 20 ms"),
            new Scenario("idle-10000", Workload.idle(10_000), Side.FLOOR, Side.MEMORY, Metric.RSS, "<= 1.1"),
            // the cost of permessage-deflate (--ws-compression true) against the default (off), same workload
            new Scenario("deflate-4x1", Workload.push(4, 1, 50, false), Side.MEMORY, Side.MEMORY_DEFLATE, Metric.RATE,
                    "report"));

    private WireBenchmark() {
    }

    /** One measured run of one side. */
    record Run(String side, int round, double value, double rate, long events, double cpuMicrosPerEvent,
               double switchesPerEvent, double rssMiB, boolean verified, List<String> problems,
               Map<String, Object> extra,
               double loadBefore, double loadAfter) {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        WireSettings settings;
        try {
            settings = WireSettings.parse(name -> System.getProperty("eventsync.bench." + name),
                    SCENARIOS.stream().map(Scenario::name).toList());
        } catch (IllegalArgumentException e) {
            LOG.error("bad setting: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Path results = settings.results();
        Files.createDirectories(results);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("settings", settings.toJson(WireReport.gitCommit()));
        List<Map<String, Object>> out = new ArrayList<>();
        try (LoadGenerator generator = new LoadGenerator(settings.deflate())) {
            for (String name : settings.scenarios()) {
                Scenario scenario = SCENARIOS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
                if (scenario.workload().mode() == Workload.Mode.IDLE) {
                    scenario = scenario.withIdle(settings.idle());
                }
                out.add(runScenario(generator, scenario.withTimes(settings.warmup(), settings.measure()),
                        settings.rounds(), settings.serverJvm(), settings.jfr() ? Optional.of(results) : Optional.empty()));
            }
        }
        report.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        report.put("scenarios", out);
        String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        WireReport.write(report, out, results, stamp, settings.updatesLatest());
        table(out);
        List<String> unverified = WireReport.unverified(out);
        if (!unverified.isEmpty()) {
            LOG.error("{} scenario(s) not verified: {}", unverified.size(), String.join(", ", unverified));
            System.exit(1);
        }
    }

    private static Map<String, Object> runScenario(LoadGenerator generator, Scenario scenario, int rounds,
                                                   List<String> serverJvm, Optional<Path> jfr) throws Exception {
        LOG.info("== {}: {} (A = {}, B = {})", scenario.name(), scenario.workload().describe(), scenario.a(),
                scenario.b());
        List<Run> a = new ArrayList<>();
        List<Run> b = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            a.add(runOnce(generator, scenario, scenario.a(), round, serverJvm, jfr));
            b.add(runOnce(generator, scenario, scenario.b(), round, serverJvm, jfr));
        }
        List<Double> ratios = new ArrayList<>();
        boolean verified = true;
        for (int i = 0; i < rounds; i++) {
            verified &= a.get(i).verified() && b.get(i).verified();
            ratios.add(b.get(i).value() / a.get(i).value());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", scenario.name());
        r.put("workload", scenario.workload().describe());
        r.put("a", scenario.a().name().toLowerCase(Locale.ROOT));
        r.put("b", scenario.b().name().toLowerCase(Locale.ROOT));
        r.put("metric", scenario.metric().unit);
        r.put("higher_is_better", scenario.metric().higherIsBetter);
        r.put("target", scenario.target());
        r.put("verified", verified);
        r.put("a_median", verified ? median(a, Run::value) : Double.NaN);
        r.put("b_median", verified ? median(b, Run::value) : Double.NaN);
        r.put("ratio_median", verified ? median(ratios) : Double.NaN);
        r.put("ratios", ratios);
        r.put("a_cpu_us_per_event", median(a, Run::cpuMicrosPerEvent));
        r.put("b_cpu_us_per_event", median(b, Run::cpuMicrosPerEvent));
        r.put("a_switches_per_event", median(a, Run::switchesPerEvent));
        r.put("b_switches_per_event", median(b, Run::switchesPerEvent));
        r.put("runs_a", a);
        r.put("runs_b", b);
        String rateNote = WireReport.rateNote(a, b);
        if (!rateNote.isEmpty()) {
            r.put("rate_not_reached", rateNote);
        }
        LOG.info("   {}: A {} / B {} {}, ratio {} (rounds {}), {}{}", scenario.name(), fmt(median(a, Run::value)),
                fmt(median(b, Run::value)), scenario.metric().unit, fmt(median(ratios)), ratios.stream()
                        .map(WireBenchmark::fmt).toList(), verified ? "verified" : "NOT VERIFIED: figures void",
                rateNote.isEmpty() ? "" : "; WARNING: " + rateNote + " (p99 at different loads is not comparable)");
        return r;
    }

    private static Run runOnce(LoadGenerator generator, Scenario scenario, Side side, int round,
                               List<String> serverJvm, Optional<Path> jfr) throws Exception {
        double loadBefore = ServerProcess.loadAverage();
        if (side == Side.RAW_POSTGRESQL) {
            return runRaw(scenario, side, round, loadBefore);
        }
        try (Storage storage = Storage.of(side)) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(serverJvm);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.addAll(storage.serverArguments());
            long[] cpu = new long[2];
            long[] switches = new long[2];
            long[] rss = new long[1];
            long[] database = new long[2];
            LoadGenerator.Outcome outcome;
            try (ServerProcess server = ServerProcess.start(command, Duration.ofSeconds(60))) {
                outcome = runGuarded(generator, scenario, server, new LoadGenerator.Window() {
                    @Override
                    public void begin() {
                        jfr.ifPresent(dir -> server.jcmd("JFR.start", "name=window", "settings=profile"));
                        cpu[0] = server.cpuTicks();
                        switches[0] = server.contextSwitches();
                        database[0] = storage.databaseTicks();
                    }

                    @Override
                    public void end() {
                        cpu[1] = server.cpuTicks();
                        switches[1] = server.contextSwitches();
                        database[1] = storage.databaseTicks();
                        rss[0] = server.rssKiB();
                        jfr.ifPresent(dir -> server.jcmd("JFR.stop", "name=window", "filename=" + dir.resolve(
                                scenario.name() + "-" + side.name().toLowerCase(Locale.ROOT) + "-" + round + ".jfr")
                                .toAbsolutePath()));
                    }
                });
                if (!outcome.verified()) {
                    LOG.warn("   {} round {}: server output:\n{}", side, round, server.lastLines());
                }
            }
            double cpuMicros = (cpu[1] - cpu[0]) / ServerProcess.TICKS_PER_SECOND * 1e6;
            double perEvent = outcome.events() == 0 ? Double.NaN : cpuMicros / outcome.events();
            double switchesPerEvent = outcome.events() == 0 ? Double.NaN
                    : (double) (switches[1] - switches[0]) / outcome.events();
            double rssMiB = rss[0] / 1024.0;
            return report(scenario, side, round, withDatabaseCpu(outcome, database), perEvent, switchesPerEvent,
                    rssMiB, loadBefore);
        }
    }

    /** The raw-JDBC baseline: no server process; the CPU per event is the writer threads' own. */
    private static Run runRaw(Scenario scenario, Side side, int round, double loadBefore) throws Exception {
        BenchDatabase db = BenchDatabase.create("postgresql");
        try {
            // one connection per writer; the same pool and driver settings as the server's store
            JdbcSettings settings = db.settings().withMaximumPoolSize(scenario.workload().stores());
            JdbcDialect dialect = JdbcDialects.forUrl(settings.url());
            try (JdbcEventStore migrated = JdbcEventStore.open(
                    settings.withChangeFeed(false))) {
                // opening the store once applies the schema migrations; the baseline then writes on its own pool
                migrated.checkHealth();
            }
            long[] database = new long[2];
            LoadGenerator.Outcome outcome;
            try {
                outcome = RawJdbcLoad.run(settings, dialect, scenario.workload(), new LoadGenerator.Window() {
                    @Override
                    public void begin() {
                        database[0] = DatabaseCpu.ticks("postgres");
                    }

                    @Override
                    public void end() {
                        database[1] = DatabaseCpu.ticks("postgres");
                    }
                });
            } catch (Exception e) {
                LOG.warn("   the run failed: {}", e.toString());
                outcome = new LoadGenerator.Outcome(Double.NaN, 0, 0,
                        dev.eventsync.bench.wire.EchoCheck.Verdict.none(), List.of("the run failed: " + e), Map.of());
            }
            return report(scenario, side, round, withDatabaseCpu(outcome, database),
                    outcome.extra().getOrDefault("writer_cpu_us_per_event", Double.NaN), Double.NaN, Double.NaN,
                    loadBefore);
        } finally {
            db.close();
        }
    }

    /** {@code outcome} with the database server's CPU µs per event in its extra figures, when it was sampled. */
    private static LoadGenerator.Outcome withDatabaseCpu(LoadGenerator.Outcome outcome, long[] ticks) {
        if (ticks[0] <= 0 || ticks[1] <= 0 || outcome.events() == 0) {
            return outcome;
        }
        Map<String, Double> extra = new LinkedHashMap<>(outcome.extra());
        extra.put("db_cpu_us_per_event", (ticks[1] - ticks[0]) / ServerProcess.TICKS_PER_SECOND * 1e6
                / outcome.events());
        return new LoadGenerator.Outcome(outcome.rate(), outcome.events(), outcome.seconds(), outcome.verdict(),
                outcome.problems(), extra);
    }

    private static Run report(Scenario scenario, Side side, int round, LoadGenerator.Outcome outcome, double perEvent,
                              double switchesPerEvent, double rssMiB, double loadBefore) {
        Map<String, Object> extra = new LinkedHashMap<>(outcome.extra());
        if (scenario.workload().mode() == Workload.Mode.FANOUT) {
            extra.putAll(WireSettings.rateCheck(scenario.workload().pushesPerSecond(),
                    outcome.extra().getOrDefault("pushes_per_s", Double.NaN)));
        }
        double value = switch (scenario.metric()) {
            case RATE -> outcome.rate();
            case P99 -> outcome.extra().getOrDefault("p99_ms", Double.NaN);
            case RSS -> rssMiB;
        };
        Run run = new Run(side.name().toLowerCase(Locale.ROOT), round, value, outcome.rate(), outcome.events(),
                perEvent, switchesPerEvent, rssMiB, outcome.verified(),
                outcome.problems().stream().limit(5).toList(),
                extra, loadBefore, ServerProcess.loadAverage());
        LOG.info("   round {} {}: {} {} ({} ev/s, {} us CPU/event, {} switches/event, RSS {} MiB, load {}) {}{}",
                round, side, fmt(value), scenario.metric().unit, fmt(outcome.rate()), fmt(perEvent),
                fmt(switchesPerEvent), fmt(rssMiB),
                fmt(run.loadAfter()), outcome.verified() ? "verified" : "NOT VERIFIED " + outcome.verdict() + " "
                        + run.problems(), extra.isEmpty() ? "" : " " + extra);
        return run;
    }

    /** The run, or, when the generator could not finish it (a refused connection, ...), a run that is not verified. */
    private static LoadGenerator.Outcome runGuarded(LoadGenerator generator, Scenario scenario, ServerProcess server,
                                                    LoadGenerator.Window window) {
        try {
            return generator.run(scenario.workload(), server.port(), window);
        } catch (Exception e) {
            LOG.warn("   the run failed: {}", e.toString());
            return new LoadGenerator.Outcome(Double.NaN, 0, 0, dev.eventsync.bench.wire.EchoCheck.Verdict.none(),
                    List.of("the run failed: " + e), Map.of());
        }
    }

    /** Where a side keeps its events, created fresh for one run and dropped afterwards. */
    private abstract static class Storage implements AutoCloseable {
        abstract List<String> serverArguments();

        /** CPU ticks of the database server behind this storage so far ({@link DatabaseCpu}), or -1: none. */
        long databaseTicks() {
            return -1;
        }

        @Override
        public void close() {
        }

        static Storage of(Side side) {
            return switch (side) {
                case FLOOR -> fixed(List.of(dev.eventsync.bench.floor.FloorServer.class.getName(), "--port", "0"));
                case MEMORY -> fixed(eventsync("memory", List.of()));
                case MEMORY_DEFLATE -> fixed(eventsync("memory", List.of("--ws-compression", "true")));
                case RAW_POSTGRESQL -> throw new IllegalArgumentException("the raw-JDBC baseline runs no server");
                case SQLITE, POSTGRESQL -> {
                    BenchDatabase db = BenchDatabase.create(side == Side.SQLITE ? "sqlite" : "postgresql");
                    List<String> extra = new ArrayList<>();
                    db.settings().username().ifPresent(u -> extra.addAll(List.of("--db-user", u)));
                    db.settings().password().filter(p -> !p.isEmpty())
                            .ifPresent(p -> extra.addAll(List.of("--db-password", p)));
                    if (side == Side.POSTGRESQL) {
                        // one connection per store of the PostgreSQL scenarios, as the raw-JDBC baseline has
                        extra.addAll(List.of("--db-pool-size", String.valueOf(POSTGRESQL_POOL)));
                    }
                    List<String> arguments = eventsync(db.settings().url(), extra);
                    yield new Storage() {
                        @Override
                        List<String> serverArguments() {
                            return arguments;
                        }

                        @Override
                        long databaseTicks() {
                            return side == Side.POSTGRESQL ? DatabaseCpu.ticks("postgres") : -1;
                        }

                        @Override
                        public void close() {
                            db.close();
                        }
                    };
                }
            };
        }

        private static List<String> eventsync(String storage, List<String> extra) {
            // every client of the generator comes from 127.0.0.1: lift the per-address connection limit (and the
            // total one) above the idle scenario's 10 000 connections
            List<String> a = new ArrayList<>(List.of("dev.eventsync.server.Main", "serve", "--host", "127.0.0.1",
                    "--port", "0", "--storage", storage, "--log-level", setting("logLevel", "WARN"),
                    "--max-connections", "15000", "--max-connections-per-address", "15000"));
            a.addAll(extra);
            String more = setting("eventsyncArgs", "").trim();
            if (!more.isEmpty()) {
                a.addAll(List.of(more.split("\\s+")));
            }
            return a;
        }

        private static Storage fixed(List<String> arguments) {
            return new Storage() {
                @Override
                List<String> serverArguments() {
                    return arguments;
                }
            };
        }
    }

    private static void table(List<Map<String, Object>> out) {
        LOG.info(String.format(Locale.ROOT, "%-18s %-8s %-10s %14s %14s %8s  %-13s %s", "scenario", "A", "B",
                "A", "B", "B/A", "target", "unit"));
        for (Map<String, Object> r : out) {
            LOG.info(String.format(Locale.ROOT, "%-18s %-8s %-10s %14s %14s %8s  %-13s %s%s%s", r.get("name"),
                    r.get("a"), r.get("b"), fmt((Double) r.get("a_median")), fmt((Double) r.get("b_median")),
                    fmt((Double) r.get("ratio_median")), r.get("target"), r.get("metric"),
                    Boolean.TRUE.equals(r.get("verified")) ? "" : "  NOT VERIFIED",
                    r.containsKey("rate_not_reached") ? "  " + r.get("rate_not_reached") : ""));
        }
    }

    static double median(List<Run> runs, Function<Run, Double> f) {
        return median(runs.stream().map(f).toList());
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String setting(String name, String fallback) {
        String v = System.getProperty("eventsync.bench." + name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
