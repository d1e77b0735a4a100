package dev.eventsync.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AppendBenchmark} and reports, per database and batch size, the throughput of
 * {@code JdbcEventStore} as a ratio of the raw-JDBC baseline measured in the same run (target: at least
 * 70%). Writes {@code append.csv} and the JMH JSON next to it.
 *
 * <p>System properties: {@code eventsync.bench.databases} (default {@code sqlite,postgresql,mariadb}),
 * {@code eventsync.bench.batchSizes} ({@code 1,10,100}), {@code eventsync.bench.warmup} /
 * {@code .iterations} (iterations), {@code .seconds} (per iteration), {@code .forks},
 * {@code .output} (directory). See {@code docs/bench.md}.
 */
public final class AppendBenchmarkReport {

    private static final Logger LOG = LoggerFactory.getLogger(AppendBenchmarkReport.class);
    /** The target ratio of the store to the raw baseline. */
    static final double TARGET = 0.70;

    private AppendBenchmarkReport() {
    }

    public static void main(String[] args) throws RunnerException {
        String databases = System.getProperty("eventsync.bench.databases", "sqlite,postgresql,mariadb");
        String batchSizes = System.getProperty("eventsync.bench.batchSizes", "1,10,100");
        int seconds = Integer.getInteger("eventsync.bench.seconds", 2);
        Path output = Path.of(System.getProperty("eventsync.bench.output", "target/bench-results"));
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Options options = new OptionsBuilder()
                .include(AppendBenchmark.class.getName())
                .param("database", databases.split(","))
                .param("batchSize", batchSizes.split(","))
                .warmupIterations(Integer.getInteger("eventsync.bench.warmup", 3))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(Integer.getInteger("eventsync.bench.iterations", 5))
                .measurementTime(TimeValue.seconds(seconds))
                .forks(Integer.getInteger("eventsync.bench.forks", 1))
                .threads(1)
                .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
                .result(output.resolve("append-jmh.json").toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<String> lines = report(results);
        try {
            Files.write(output.resolve("append.csv"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.info("Results written to {}", output.toAbsolutePath());
    }

    private static List<String> report(Collection<RunResult> results) {
        // (database, batchSize) -> [store, raw] batches per second
        Map<String, double[]> scores = new TreeMap<>();
        Map<String, double[]> errors = new TreeMap<>();
        for (RunResult result : results) {
            var params = result.getParams();
            String key = params.getParam("database") + "," + params.getParam("batchSize");
            int column = params.getBenchmark().endsWith("jdbcEventStore") ? 0 : 1;
            scores.computeIfAbsent(key, k -> new double[2])[column] = result.getPrimaryResult().getScore();
            errors.computeIfAbsent(key, k -> new double[2])[column] = result.getPrimaryResult().getScoreError();
        }
        List<String> lines = new ArrayList<>();
        lines.add("database,batch_size,store_batches_per_s,store_error,raw_batches_per_s,raw_error,"
                + "store_events_per_s,ratio,meets_target");
        LOG.info(String.format(Locale.ROOT, "%-11s %6s %14s %14s %14s %7s", "database", "batch", "store batch/s",
                "raw batch/s", "store event/s", "ratio"));
        scores.forEach((key, s) -> {
            String[] parts = key.split(",");
            double ratio = s[1] == 0 ? 0 : s[0] / s[1];
            double[] e = errors.get(key);
            int batch = Integer.parseInt(parts[1]);
            lines.add(String.format(Locale.ROOT, "%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%s", parts[0], batch, s[0], e[0],
                    s[1], e[1], s[0] * batch, ratio, ratio >= TARGET));
            LOG.info(String.format(Locale.ROOT, "%-11s %6d %14.1f %14.1f %14.1f %6.1f%%%s", parts[0], batch, s[0],
                    s[1], s[0] * batch, ratio * 100, ratio >= TARGET ? "" : "  (below the 70% target)"));
        });
        return lines;
    }
}
