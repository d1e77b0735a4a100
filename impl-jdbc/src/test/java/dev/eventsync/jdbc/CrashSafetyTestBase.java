package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash safety: a child JVM ({@link CrashPusher}) appends batches and prints each acknowledged head; the
 * test SIGKILLs it at a random moment ({@link Process#destroyForcibly()} is SIGKILL on Linux), then checks
 * the store: every acknowledged event is present, no batch is partial, and the head is the last event.
 * Repeated for {@code -Deventsync.crash.cycles} cycles (default 20), always on the same store.
 * {@code -Deventsync.crash.seed} replays a run.
 */
abstract class CrashSafetyTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(CrashSafetyTestBase.class);
    private static final Pattern ACK = Pattern.compile("ACK (\\d+)");
    private static final Pattern TAG = Pattern.compile("\\{\"b\":\"([^\"]+)\",\"i\":(\\d+),\"n\":(\\d+)}");

    protected TestDatabase database;

    protected abstract TestDatabase createDatabase();

    @BeforeEach
    void createStoreDatabase() {
        database = createDatabase();
    }

    @AfterEach
    void dropStoreDatabase() {
        if (database != null) { // null when the database was unreachable and the test was skipped
            database.close();
        }
    }

    @Test
    void acknowledgedBatchesSurviveSigkillWhole() throws Exception {
        int cycles = Integer.getInteger("eventsync.crash.cycles", 20);
        long seed = Long.getLong("eventsync.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        StoreId store = JdbcEventStoreTestBase.uniqueStore();
        JdbcSettings settings = database.settings();
        long lastAcked = 0;
        int killedMidRun = 0;
        for (int cycle = 1; cycle <= cycles; cycle++) {
            String context = "seed " + seed + " (-Deventsync.crash.seed=" + seed + "), cycle " + cycle;
            Process child = startChild(settings, store, "r" + cycle, random.nextLong());
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = readLines(child, lines);
            try {
                awaitLine(lines, "READY", 60, context);
                // Kill after a random number of acks plus a random delay: mostly in the middle of an append.
                int acksBeforeKill = random.nextInt(12);
                for (int i = 0; i < acksBeforeKill; i++) {
                    lastAcked = Math.max(lastAcked, parseAck(awaitLine(lines, "ACK", 30, context), context));
                }
                Thread.sleep(random.nextInt(40));
            } finally {
                child.destroyForcibly();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited after SIGKILL, " + context).isTrue();
            assertThat(child.exitValue()).as("exit status of a SIGKILLed JVM, " + context).isEqualTo(137);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            for (String line : lines) {
                if (line.startsWith("ACK ")) {
                    lastAcked = Math.max(lastAcked, parseAck(line, context));
                    killedMidRun++;
                }
            }
            verify(settings, store, lastAcked, context);
        }
        LOG.info("{} crash cycles on {}: last acknowledged head {}, {} acks read after a kill, seed {}", cycles,
                database.kind(), lastAcked, killedMidRun, seed);
        assertThat(lastAcked).as("the children made progress").isPositive();
    }

    private static void verify(JdbcSettings settings, StoreId store, long lastAcked, String context) {
        try (JdbcEventStore events = JdbcEventStore.open(settings.withChangeFeed(false))) {
            long head = events.head(store);
            List<StoredEvent> log = new ArrayList<>();
            long after = 0;
            while (true) {
                List<StoredEvent> page = events.read(store, after, 1000);
                if (page.isEmpty()) {
                    break;
                }
                log.addAll(page);
                after = page.get(page.size() - 1).seqNum();
            }
            assertThat(head).as("head covers every acknowledged append, " + context).isGreaterThanOrEqualTo(lastAcked);
            if (head == 0) {
                // killed before its first append committed (possible in cycle 1): nothing was acked, nothing is there
                assertThat(log).as("log of a store whose head is 0, " + context).isEmpty();
                assertThat(events.countAfter(store, 0)).as("count, " + context).isZero();
                return;
            }
            assertThat(log).as("log, " + context).isNotEmpty();
            assertThat(log.get(log.size() - 1).seqNum()).as("head == last event, " + context).isEqualTo(head);
            assertThat(events.countAfter(store, 0)).as("count, " + context).isEqualTo(log.size());
            Map<String, List<Integer>> batches = new LinkedHashMap<>();
            Map<String, Integer> sizes = new LinkedHashMap<>();
            Set<Long> batchEnds = new HashSet<>();
            for (int i = 0; i < log.size(); i++) {
                StoredEvent e = log.get(i);
                assertThat(e.seqNum()).as("dense chain, " + context).isEqualTo(i + 1L);
                assertThat(e.event().parentSeqNum()).as("chained, " + context).isEqualTo((long) i);
                Matcher m = TAG.matcher(e.event().args().orElseThrow());
                if (!m.matches()) {
                    fail("unexpected args " + e.event().args() + ", " + context);
                }
                batches.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
                sizes.put(m.group(1), Integer.parseInt(m.group(3)));
                if (Integer.parseInt(m.group(2)) == Integer.parseInt(m.group(3)) - 1) {
                    batchEnds.add(e.seqNum());
                }
            }
            batches.forEach((batch, positions) -> assertThat(positions).as("batch " + batch + " whole, " + context)
                    .isEqualTo(java.util.stream.IntStream.range(0, sizes.get(batch)).boxed().toList()));
            if (lastAcked > 0) {
                assertThat(batchEnds).as("acknowledged head ends a batch, " + context).contains(lastAcked);
            }
        }
    }

    private static Process startChild(JdbcSettings settings, StoreId store, String run, long seed) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Dlogback.configurationFile=logback-child.xml",
                "-cp", System.getProperty("java.class.path"), CrashPusher.class.getName(),
                settings.url(), settings.username().orElse("-"), settings.password().orElse("-"), store.value(), run,
                Long.toString(seed));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Thread readLines(Process child, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("IO-ERROR " + e.getMessage());
            }
        }, "crash-child-reader");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, int seconds, String context)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("no '" + prefix + "' line from the child within " + seconds + " s, " + context);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    private static long parseAck(String line, String context) {
        Matcher m = ACK.matcher(line);
        if (!m.matches()) {
            fail("malformed ack line '" + line + "', " + context);
        }
        return Long.parseLong(m.group(1));
    }
}
