package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.StorageUnavailableException;
import dev.eventsync.spi.storage.StoreInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Focused tests of what is specific to {@link JdbcEventStore} on a real database (the storage kit covers
 * the general contract): byte-exact columns, exact counts over gaps, durability across reopen, the
 * head check between two independent pools, idempotent migrations, and typed unavailability.
 */
abstract class JdbcEventStoreTestBase {

    protected TestDatabase database;
    protected JdbcEventStore store;
    private final List<JdbcEventStore> opened = new ArrayList<>();

    protected abstract TestDatabase createDatabase();

    @BeforeEach
    void openStore() {
        database = createDatabase();
        store = open();
    }

    @AfterEach
    void closeStore() {
        opened.forEach(JdbcEventStore::close);
        if (database != null) { // null when the database was unreachable and the test was skipped
            database.close();
        }
    }

    protected JdbcEventStore open() {
        JdbcEventStore opened = JdbcEventStore.open(database.settings());
        this.opened.add(opened);
        return opened;
    }

    static StoreId uniqueStore() {
        return StoreId.of(TestDatabase.uniqueName("store-"));
    }

    static List<Event> batch(long parent, int size, String prefix) {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            events.add(Event.of("item-v1", "{\"n\":\"" + prefix + i + "\"}", parent + i, parent + i - 1, "client",
                    "session"));
        }
        return events;
    }

    @Test
    void columnsComeBackExactly() {
        StoreId id = uniqueStore();
        String args = "{ \"text\" : \"h\u00e9llo \u65e5\u672c \ud83d\ude80\",\n\t\"n\": 1.50, \"e\": \"\\u0041\\\"\" }";
        List<Event> batch = List.of(
                Event.of("todoCreated-v1", args, 1, 0, "client-\u00e9", "session-1"),
                Event.of("noArgs-v1", null, 2, 1, "c", "s"),
                Event.of("emptyString-v1", "\"\"", 3, 2, "c", "s"));
        Instant createdAt = Instant.ofEpochSecond(1_764_000_000L, 123_456_789);

        assertThat(store.append(id, 0, batch, createdAt)).isEqualTo(new AppendResult.Appended(3));

        List<StoredEvent> read = store.read(id, 0, 10);
        assertThat(read).extracting(StoredEvent::event).containsExactlyElementsOf(batch);
        assertThat(read).extracting(StoredEvent::createdAt).containsOnly(createdAt);
        assertThat(read.get(0).event().args()).contains(args);
        assertThat(read.get(1).event().args()).isEmpty();
    }

    /**
     * Batches are written in multi-row INSERTs of at most {@link EventRows#MAX_ROWS_PER_STATEMENT} rows: batches
     * that end just before, at and after a statement's boundary, and across several statements, must come back
     * row for row (every column in its place, args byte for byte, absent args absent) with exact positions.
     */
    @Test
    void batchesSpanningSeveralInsertStatementsComeBackRowForRow() {
        StoreId id = uniqueStore();
        int perStatement = EventRows.MAX_ROWS_PER_STATEMENT;
        List<Event> all = new ArrayList<>();
        long head = 0;
        for (int size : new int[] {1, perStatement - 1, perStatement, perStatement + 1, 2 * perStatement + 3}) {
            List<Event> batch = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                long seq = head + i;
                batch.add(Event.of("n" + seq, seq % 7 == 0 ? null : "{\"s\":" + seq + ",\"t\":\"\u00e9" + seq + "\"}",
                        seq, seq - 1, "client-" + seq, "session-" + (seq % 3)));
            }
            Instant createdAt = Instant.ofEpochSecond(1_764_000_000L + size, size);
            assertThat(store.append(id, head, batch, createdAt)).isEqualTo(new AppendResult.Appended(head + size));
            assertThat(store.read(id, head, 1000)).extracting(StoredEvent::createdAt).containsOnly(createdAt);
            head += size;
            all.addAll(batch);
        }

        long last = head;
        assertThat(store.read(id, 0, 1000)).extracting(StoredEvent::event).containsExactlyElementsOf(all);
        assertThat(store.head(id)).isEqualTo(last);
        for (long after = 0; after <= last; after += 13) {
            assertThat(store.countAfter(id, after)).as("countAfter(%d)", after).isEqualTo(last - after);
        }
        assertThat(store.stores()).filteredOn(info -> info.storeId().equals(id)).singleElement()
                .satisfies(info -> assertThat(info.eventCount()).isEqualTo(last));
    }

    @Test
    void headMismatchAppendsNothing() {
        StoreId id = uniqueStore();
        store.append(id, 0, batch(0, 3, "a"), Instant.now());

        assertThat(store.append(id, 2, batch(2, 2, "b"), Instant.now())).isEqualTo(new AppendResult.HeadMismatch(3));
        assertThat(store.append(id, 0, batch(0, 1, "c"), Instant.now())).isEqualTo(new AppendResult.HeadMismatch(3));
        assertThat(store.read(id, 0, 100)).hasSize(3);
        assertThat(store.head(id)).isEqualTo(3);
    }

    @Test
    void countAfterIsExactOverSeqNumGapsAndPagesAscend() {
        StoreId id = uniqueStore();
        // seqNums 10, 20, ..., 100 in two batches: counts must not assume dense numbering
        List<Event> first = new ArrayList<>();
        List<Event> second = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            Event e = Event.of("e", "{}", i * 10L, (i - 1) * 10L, "c", "s");
            (i <= 4 ? first : second).add(e);
        }
        store.append(id, 0, first, Instant.now());
        store.append(id, 40, second, Instant.now());

        for (long after = -1; after <= 105; after++) {
            long expected = Math.max(0, Math.min(10, 10 - Math.floorDiv(Math.max(after, 0), 10)));
            assertThat(store.countAfter(id, after)).as("countAfter(%d)", after).isEqualTo(expected);
        }
        assertThat(store.read(id, 25, 3)).extracting(StoredEvent::seqNum).containsExactly(30L, 40L, 50L);
        assertThat(store.read(id, 95, 3)).extracting(StoredEvent::seqNum).containsExactly(100L);
        assertThat(store.read(id, 100, 3)).isEmpty();
        assertThat(store.countAfter(uniqueStore(), 0)).isZero();
    }

    @Test
    void backendIdAndEventsSurviveReopenAndResetReplacesThem() {
        StoreId id = uniqueStore();
        String backendId = store.backendId(id);
        store.append(id, 0, batch(0, 5, "x"), Instant.now());
        store.close();

        JdbcEventStore reopened = open();
        assertThat(reopened.backendId(id)).isEqualTo(backendId);
        assertThat(reopened.head(id)).isEqualTo(5);
        assertThat(reopened.stores()).extracting(StoreInfo::storeId, StoreInfo::backendId, StoreInfo::head,
                StoreInfo::eventCount).contains(org.assertj.core.groups.Tuple.tuple(id, backendId, 5L, 5L));

        reopened.reset(id);
        assertThat(reopened.backendId(id)).isNotEqualTo(backendId).hasSizeGreaterThanOrEqualTo(11);
        assertThat(reopened.head(id)).isZero();
        assertThat(reopened.read(id, 0, 10)).isEmpty();
        assertThat(reopened.countAfter(id, 0)).isZero();
        assertThat(reopened.append(id, 0, batch(0, 2, "y"), Instant.now())).isEqualTo(new AppendResult.Appended(2));
    }

    @Test
    void storesAreListedInStoreIdOrderAndIndependent() {
        String prefix = TestDatabase.uniqueName("s");
        StoreId b = StoreId.of(prefix + "-b");
        StoreId upperA = StoreId.of(prefix + "-A");
        StoreId a = StoreId.of(prefix + "-a");
        store.append(b, 0, batch(0, 1, "b"), Instant.now());
        store.append(a, 0, batch(0, 2, "a"), Instant.now());
        store.append(upperA, 0, batch(0, 3, "A"), Instant.now());

        List<StoreId> ids = store.stores().stream().map(StoreInfo::storeId)
                .filter(s -> s.value().startsWith(prefix)).toList();
        assertThat(ids).containsExactly(upperA, a, b);
        assertThat(store.head(a)).isEqualTo(2);
        assertThat(store.head(upperA)).isEqualTo(3);
    }

    @Test
    void concurrentAppendsThroughTwoPoolsKeepOneChain() throws Exception {
        JdbcEventStore other = open();
        StoreId id = uniqueStore();
        int writers = 4;
        int target = 120;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        AtomicInteger mismatches = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                JdbcEventStore via = w % 2 == 0 ? store : other;
                String writer = "w" + w;
                results.add(executor.submit(() -> {
                    start.await();
                    int appended = 0;
                    long head = via.head(id);
                    while (head < target) {
                        AppendResult result = via.append(id, head, batch(head, 1 + (int) (head % 3), writer),
                                Instant.now());
                        if (result instanceof AppendResult.Appended ok) {
                            appended++;
                            head = ok.head();
                        } else if (result instanceof AppendResult.HeadMismatch mismatch) {
                            mismatches.incrementAndGet();
                            head = mismatch.actualHead();
                        }
                    }
                    return appended;
                }));
            }
            start.countDown();
            int batches = 0;
            for (Future<Integer> result : results) {
                batches += result.get(2, TimeUnit.MINUTES);
            }
            List<StoredEvent> log = store.read(id, 0, 10_000);
            assertThat(log).extracting(StoredEvent::seqNum)
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, log.size()).boxed().toList());
            for (int i = 0; i < log.size(); i++) {
                assertThat(log.get(i).event().parentSeqNum()).isEqualTo(i);
            }
            assertThat(log.size()).isGreaterThanOrEqualTo(target);
            assertThat(batches).isPositive();
            assertThat(store.countAfter(id, 0)).isEqualTo(log.size());
            assertThat(other.head(id)).isEqualTo(log.get(log.size() - 1).seqNum());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void migrationsAreVersionedAndIdempotent() throws Exception {
        open();
        open();
        try (Connection connection = java.sql.DriverManager.getConnection(database.settings().url(),
                database.settings().username().orElse(null), database.settings().password().orElse(null));
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT version, success FROM eventsync_schema_history WHERE version IS NOT NULL")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getBoolean(2)).isTrue();
                versions.add(rs.getString(1));
            }
            assertThat(versions).containsExactly("1", "2");
        }
    }

    /** Reads never create a store, yet every node answers the backendId the store's creation will keep. */
    @Test
    void anUnwrittenStoreHasOneBackendIdOnEveryNodeAndKeepsItWhenCreated() throws Exception {
        StoreId id = uniqueStore();
        JdbcEventStore nodeA = open();
        JdbcEventStore nodeB = open();
        String seenByA = nodeA.backendId(id);
        assertThat(nodeB.backendId(id)).isEqualTo(seenByA);
        assertThat(nodeA.stores()).noneMatch(info -> info.storeId().equals(id));
        nodeB.append(id, 0, batch(0, 2, "b"), java.time.Instant.now());
        assertThat(nodeA.backendId(id)).isEqualTo(seenByA);
        nodeA.reset(id);
        assertThat(nodeB.backendId(id)).isNotEqualTo(seenByA);
    }

    @Test
    void closedStoreIsUnavailable() {
        JdbcEventStore closing = open();
        closing.close();
        assertThatThrownBy(() -> closing.head(uniqueStore())).isInstanceOf(StorageUnavailableException.class);
    }

    @Test
    void healthCheckPassesOnALiveDatabase() {
        store.checkHealth();
        assertThat(store.head(uniqueStore())).isZero();
    }
}
