package dev.eventsync.bench;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.jdbc.JdbcDialects;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.spi.storage.AppendResult;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Append throughput, in batches per second, of {@link JdbcEventStore} against {@link RawJdbcAppender}
 * (hand-written JDBC inserting the same rows the same way) on each database, in the same run. One writer
 * per store, as the engine admits one push per store at a time. Events carry a realistic ~100-byte
 * {@code args}. {@link AppendBenchmarkReport} runs this and reports the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendBenchmark {

    @Param({"sqlite", "postgresql", "mariadb"})
    public String database;

    @Param({"10"})
    public int batchSize;

    private BenchDatabase namespace;
    private JdbcEventStore store;
    private RawJdbcAppender raw;
    private final StoreId storeId = StoreId.of("bench-store");
    private long storeHead;
    private long rawHead;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        namespace = BenchDatabase.create(database);
        JdbcSettings settings = namespace.settings();
        store = JdbcEventStore.open(settings);
        raw = new RawJdbcAppender(settings, JdbcDialects.forUrl(settings.url()), "bench-raw");
    }

    @TearDown(Level.Trial)
    public void close() {
        raw.close();
        store.close();
        namespace.close();
    }

    static List<Event> batch(long parent, int size) {
        List<Event> events = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            long seq = parent + i;
            events.add(Event.of("todoCreated-v1", "{\"id\":\"todo-" + seq + "\",\"text\":\"Buy oat milk and coffee"
                    + " beans\",\"completed\":false,\"tags\":[\"home\",\"shopping\"]}", seq, seq - 1, "client-bench",
                    "session-bench"));
        }
        return events;
    }

    @Benchmark
    public long jdbcEventStore() {
        AppendResult result = store.append(storeId, storeHead, batch(storeHead, batchSize), Instant.now());
        if (!(result instanceof AppendResult.Appended appended)) {
            throw new IllegalStateException("single writer saw " + result);
        }
        storeHead = appended.head();
        return storeHead;
    }

    @Benchmark
    public long rawJdbc() throws SQLException {
        long head = raw.append(rawHead, batch(rawHead, batchSize), Instant.now());
        if (head < 0) {
            throw new IllegalStateException("single writer saw a head mismatch at " + rawHead);
        }
        rawHead = head;
        return rawHead;
    }
}
