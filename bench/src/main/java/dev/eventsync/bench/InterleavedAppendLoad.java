package dev.eventsync.bench;

import dev.eventsync.api.StoreId;
import dev.eventsync.jdbc.JdbcDialects;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.spi.storage.AppendResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A load generator that measures the same ratio as {@link AppendBenchmark} in a way that resists a noisy,
 * shared machine: the store and the raw-JDBC baseline run in alternating short slices (ABBA order) on
 * the same database, so a burst of load from elsewhere hits both alike. Reports batches per second of
 * each and their ratio, and writes {@code interleaved.csv}.
 *
 * <p>System properties: {@code eventsync.bench.databases}, {@code eventsync.bench.batchSizes},
 * {@code eventsync.bench.rounds} (default 20), {@code eventsync.bench.sliceMillis} (default 250),
 * {@code eventsync.bench.output}.
 */
public final class InterleavedAppendLoad {

    private static final Logger LOG = LoggerFactory.getLogger(InterleavedAppendLoad.class);

    private InterleavedAppendLoad() {
    }

    public static void main(String[] args) throws SQLException {
        String[] databases = System.getProperty("eventsync.bench.databases", "sqlite,postgresql,mariadb").split(",");
        String[] batchSizes = System.getProperty("eventsync.bench.batchSizes", "1,10,100").split(",");
        int rounds = Integer.getInteger("eventsync.bench.rounds", 20);
        long sliceNanos = Long.getLong("eventsync.bench.sliceMillis", 250L) * 1_000_000L;
        Path output = Path.of(System.getProperty("eventsync.bench.output", "target/bench-results"));
        List<String> lines = new ArrayList<>();
        lines.add("database,batch_size,rounds,slice_ms,store_batches_per_s,raw_batches_per_s,store_events_per_s,ratio,"
                + "meets_target");
        LOG.info(String.format(Locale.ROOT, "%-11s %6s %14s %14s %14s %7s", "database", "batch", "store batch/s",
                "raw batch/s", "store event/s", "ratio"));
        for (String database : databases) {
            for (String size : batchSizes) {
                int batchSize = Integer.parseInt(size.trim());
                double[] result = measure(database.trim(), batchSize, rounds, sliceNanos);
                double ratio = result[0] / result[1];
                boolean meets = ratio >= AppendBenchmarkReport.TARGET;
                lines.add(String.format(Locale.ROOT, "%s,%d,%d,%d,%.1f,%.1f,%.1f,%.3f,%s", database, batchSize, rounds,
                        sliceNanos / 1_000_000, result[0], result[1], result[0] * batchSize, ratio, meets));
                LOG.info(String.format(Locale.ROOT, "%-11s %6d %14.1f %14.1f %14.1f %6.1f%%%s", database, batchSize,
                        result[0], result[1], result[0] * batchSize, ratio * 100,
                        meets ? "" : "  (below the 70% target)"));
            }
        }
        try {
            Files.createDirectories(output);
            Files.write(output.resolve("interleaved.csv"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.info("Results written to {}", output.toAbsolutePath());
    }

    /** Returns {store, raw} in batches per second. */
    private static double[] measure(String database, int batchSize, int rounds, long sliceNanos) throws SQLException {
        try (BenchDatabase namespace = BenchDatabase.create(database)) {
            JdbcSettings settings = namespace.settings();
            try (JdbcEventStore store = JdbcEventStore.open(settings);
                 RawJdbcAppender raw = new RawJdbcAppender(settings, JdbcDialects.forUrl(settings.url()),
                         "bench-raw")) {
                StoreId storeId = StoreId.of("bench-store");
                long[] heads = new long[2];
                long[] batches = new long[2];
                long[] nanos = new long[2];
                // Warm-up: both paths, a few slices each, not counted.
                for (int i = 0; i < 4; i++) {
                    slice(store, storeId, raw, heads, batchSize, i % 2, sliceNanos, new long[2], new long[2]);
                }
                for (int round = 0; round < rounds; round++) {
                    int first = round % 2; // ABBA: alternate who goes first
                    slice(store, storeId, raw, heads, batchSize, first, sliceNanos, batches, nanos);
                    slice(store, storeId, raw, heads, batchSize, 1 - first, sliceNanos, batches, nanos);
                }
                return new double[] {batches[0] * 1e9 / nanos[0], batches[1] * 1e9 / nanos[1]};
            }
        }
    }

    private static void slice(JdbcEventStore store, StoreId storeId, RawJdbcAppender raw, long[] heads, int batchSize,
                              int which, long sliceNanos, long[] batches, long[] nanos) throws SQLException {
        long start = System.nanoTime();
        long end = start + sliceNanos;
        long count = 0;
        long now;
        do {
            if (which == 0) {
                AppendResult result = store.append(storeId, heads[0], AppendBenchmark.batch(heads[0], batchSize),
                        Instant.now());
                if (!(result instanceof AppendResult.Appended appended)) {
                    throw new IllegalStateException("single writer saw " + result);
                }
                heads[0] = appended.head();
            } else {
                long head = raw.append(heads[1], AppendBenchmark.batch(heads[1], batchSize), Instant.now());
                if (head < 0) {
                    throw new IllegalStateException("single writer saw a head mismatch at " + heads[1]);
                }
                heads[1] = head;
            }
            count++;
            now = System.nanoTime();
        } while (now < end);
        batches[which] += count;
        nanos[which] += now - start;
    }
}
