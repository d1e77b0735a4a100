package dev.eventsync.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventsync.api.Event;
import dev.eventsync.bench.wire.EchoCheck;
import dev.eventsync.bench.wire.LoadGenerator;
import dev.eventsync.bench.wire.Workload;
import dev.eventsync.jdbc.JdbcDialect;
import dev.eventsync.jdbc.JdbcSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw-JDBC baseline of the wire benchmark's database scenarios, run in the driver's own JVM: one writer
 * thread per store of the push workload, each appending the rows the load generator's client would push (the
 * same name, {@code args}, clientId and sessionId shapes, batches of the workload's size, chained seqNums) with
 * {@link RawJdbcAppender} (lock the head row, compare, one JDBC batch of inserts, move the head, commit) on one
 * pool configured as the Eventsync server configures its own. No WebSocket, no engine, no change notification:
 * what the database itself gives these rows.
 *
 * <p>Verified like a server run: every append must succeed (a head mismatch is a defect, each writer owns its
 * store), and afterwards every store's head row and its event rows must hold exactly what was appended.
 * Reported CPU is the writer threads' own (JDBC driver and pool); the database's CPU is measured apart (see
 * {@link DatabaseCpu}).
 */
final class RawJdbcLoad {

    private RawJdbcLoad() {
    }

    /**
     * Runs {@code workload} (push mode; its stores, batch size, warm-up and measured interval) against the empty
     * schema of {@code settings}, and returns the events per second of the measured interval.
     */
    static LoadGenerator.Outcome run(JdbcSettings settings, JdbcDialect dialect, Workload workload,
                                     LoadGenerator.Window window) throws Exception {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicLong appended = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (HikariDataSource pool = RawJdbcAppender.pool(settings, dialect)) {
            List<Writer> writers = new ArrayList<>();
            for (int i = 1; i <= workload.stores(); i++) {
                writers.add(new Writer(new RawJdbcAppender(pool, dialect, "raw-store-" + i), "raw-client-" + i,
                        workload.batch(), appended, stop, problems));
            }
            List<Thread> running = new ArrayList<>();
            for (Writer writer : writers) {
                Thread thread = new Thread(writer, "raw-jdbc-" + writer.clientId);
                thread.start();
                running.add(thread);
            }
            Thread.sleep(workload.warmup().toMillis());
            long cpu0 = cpuNanos(threads, running);
            long c0 = appended.get();
            long t0 = System.nanoTime();
            window.begin();
            Thread.sleep(workload.measure().toMillis());
            long c1 = appended.get();
            long t1 = System.nanoTime();
            long cpu1 = cpuNanos(threads, running);
            window.end();
            stop.set(true);
            for (Thread thread : running) {
                thread.join(60_000);
            }
            check(pool, writers, problems);
            long events = c1 - c0;
            double seconds = (t1 - t0) / 1e9;
            Map<String, Double> extra = new LinkedHashMap<>();
            extra.put("writer_cpu_us_per_event", events == 0 ? Double.NaN : (cpu1 - cpu0) / 1e3 / events);
            long total = writers.stream().mapToLong(w -> w.head).sum();
            EchoCheck.Verdict verdict = new EchoCheck.Verdict(total, 0, 0, 0, 0);
            return new LoadGenerator.Outcome(events / seconds, events, seconds, verdict, List.copyOf(problems), extra);
        }
    }

    private static long cpuNanos(ThreadMXBean threads, List<Thread> running) {
        long total = 0;
        for (Thread thread : running) {
            long t = threads.getThreadCpuTime(thread.getId());
            total += Math.max(0, t);
        }
        return total;
    }

    /** Every store's head row and rows must be exactly what its writer appended. */
    private static void check(HikariDataSource pool, List<Writer> writers, List<String> problems) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement head = connection.prepareStatement(
                     "SELECT head, event_count FROM eventsync_store WHERE store_id = ?");
             PreparedStatement rows = connection.prepareStatement(
                     "SELECT COUNT(*), COALESCE(MAX(seq_num), 0) FROM eventsync_event WHERE store_id = ?")) {
            for (Writer writer : writers) {
                head.setString(1, writer.appender.storeId());
                rows.setString(1, writer.appender.storeId());
                try (ResultSet h = head.executeQuery(); ResultSet r = rows.executeQuery()) {
                    h.next();
                    r.next();
                    if (h.getLong(1) != writer.head || h.getLong(2) != writer.head || r.getLong(1) != writer.head
                            || r.getLong(2) != writer.head) {
                        problems.add(writer.appender.storeId() + ": appended up to " + writer.head + ", found head "
                                + h.getLong(1) + ", count " + h.getLong(2) + ", " + r.getLong(1) + " rows up to "
                                + r.getLong(2));
                    }
                }
            }
        }
    }

    /** One store's writer: appends chained batches until stopped. */
    private static final class Writer implements Runnable {
        final RawJdbcAppender appender;
        final String clientId;
        final int batch;
        final AtomicLong appended;
        final AtomicBoolean stop;
        final List<String> problems;
        /** Written by the writer's thread only; read after it was joined. */
        long head;

        Writer(RawJdbcAppender appender, String clientId, int batch, AtomicLong appended, AtomicBoolean stop,
               List<String> problems) {
            this.appender = appender;
            this.clientId = clientId;
            this.batch = batch;
            this.appended = appended;
            this.stop = stop;
            this.problems = problems;
        }

        @Override
        public void run() {
            try (appender) {
                while (!stop.get()) {
                    List<Event> events = new ArrayList<>(batch);
                    for (long seq = head + 1; seq <= head + batch; seq++) {
                        // the generator's event: see LoadGenerator.batch and ClientFrames
                        events.add(new Event("v1.TodoCreated", java.util.Optional.of("{\"id\":\"s" + seq + "."
                                + clientId + "\",\"text\":\"todo #" + seq + " from the load generator\"}"), seq,
                                seq - 1, clientId, "session-1"));
                    }
                    long newHead = appender.append(head, events, Instant.now());
                    if (newHead != head + batch) {
                        problems.add(appender.storeId() + ": append at head " + head + " answered " + newHead);
                        return;
                    }
                    head = newHead;
                    appended.addAndGet(batch);
                }
            } catch (SQLException | RuntimeException e) {
                problems.add(appender.storeId() + ": " + e);
            }
        }
    }
}
