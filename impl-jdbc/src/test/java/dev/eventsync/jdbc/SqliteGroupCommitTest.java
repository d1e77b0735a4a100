package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit on a real SQLite file: appends to several stores that queue while a commit is in progress are
 * committed together in one transaction, and inside that group a stale append or a failing append fails alone,
 * leaving nothing of itself behind, while the others commit.
 */
class SqliteGroupCommitTest {

    private static final Instant AT = Instant.ofEpochSecond(1_764_000_000L, 5);

    private TestDatabase.Sqlite database;
    private JdbcEventStore store;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        database = (TestDatabase.Sqlite) TestDatabase.sqlite();
        store = JdbcEventStore.open(database.settings());
    }

    @AfterEach
    void close() throws InterruptedException {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        store.close();
        database.close();
    }

    @Test
    void appendsQueuedDuringACommitShareOneCommitAndFailAlone() throws Exception {
        GroupCommit group = store.groupCommit();
        assertThat(group).as("SQLite groups commits").isNotNull();
        List<StoreId> stores = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            StoreId id = StoreId.of(TestDatabase.uniqueName("group-"));
            stores.add(id);
            assertThat(store.append(id, 0, List.of(event(1, 0, "first")), AT)).isEqualTo(new AppendResult.Appended(1));
        }
        long commitsBefore = group.commits();

        Future<AppendResult> leader;
        List<Future<AppendResult>> queued = new ArrayList<>();
        try (Connection blocker = DriverManager.getConnection(database.settings().url());
             Statement statement = blocker.createStatement()) {
            // Another connection holds the file's write lock: the first append leads and waits for it...
            statement.execute("BEGIN IMMEDIATE");
            leader = callers.submit(() -> store.append(stores.get(0), 1, List.of(event(2, 1, "lead")), AT));
            await(group::committing);
            // ...while these queue behind its commit, in this order.
            queued.add(submit(stores.get(1), 1, List.of(event(2, 1, "b"))));
            // stale: the store's head is 1, not 0
            queued.add(submit(stores.get(2), 0, List.of(event(1, 0, "stale"))));
            // fails inside the database after writing its first row: seqNum 1 exists already
            queued.add(submit(stores.get(3), 1, List.of(event(2, 1, "partial"), event(1, 2, "duplicate"))));
            queued.add(submit(stores.get(4), 1, List.of(event(2, 1, "e1"), event(3, 2, "e2"))));
            queued.add(submit(stores.get(5), 1, List.of(event(2, 1, "f"))));
            queued.add(submit(stores.get(6), 1, List.of()));
            assertThat(leader.isDone()).as("nothing is acknowledged before its commit").isFalse();
            statement.execute("ROLLBACK");
        }

        assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult.Appended(2));
        assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult.Appended(2));
        assertThat(queued.get(1).get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult.HeadMismatch(1));
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> queued.get(2).get(10, TimeUnit.SECONDS));
        assertThat(failed.getCause()).isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining(stores.get(3).value());
        assertThat(queued.get(3).get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult.Appended(3));
        assertThat(queued.get(4).get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult.Appended(2));
        assertThat(queued.get(5).get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult.Appended(1));

        // the leader's own commit, then ONE commit for the six queued appends
        assertThat(group.commits() - commitsBefore).isEqualTo(2);

        // what was acknowledged is there, what failed left nothing behind (not even the failing batch's first row)
        assertThat(names(stores.get(0))).containsExactly("first", "lead");
        assertThat(names(stores.get(1))).containsExactly("first", "b");
        assertThat(names(stores.get(2))).containsExactly("first");
        assertThat(names(stores.get(3))).containsExactly("first");
        assertThat(store.head(stores.get(3))).isEqualTo(1);
        assertThat(store.countAfter(stores.get(3), 0)).isEqualTo(1);
        assertThat(names(stores.get(4))).containsExactly("first", "e1", "e2");
        assertThat(store.countAfter(stores.get(4), 0)).isEqualTo(3);
        assertThat(names(stores.get(5))).containsExactly("first", "f");

        // and the store keeps working: the failed store takes its correct next batch
        assertThat(store.append(stores.get(3), 1, List.of(event(2, 1, "retry")), AT))
                .isEqualTo(new AppendResult.Appended(2));
        assertThat(names(stores.get(3))).containsExactly("first", "retry");
        // a lone append is one commit of its own, right away
        assertThat(group.commits() - commitsBefore).isEqualTo(3);
    }

    @Test
    void concurrentAppendsToManyStoresAreAllDurableAndCommittedInFewerCommits() throws Exception {
        GroupCommit group = store.groupCommit();
        int storeCount = 8;
        int batches = 40;
        List<StoreId> stores = new ArrayList<>();
        for (int i = 0; i < storeCount; i++) {
            stores.add(StoreId.of(TestDatabase.uniqueName("many-")));
        }
        long commitsBefore = group.commits();
        List<Future<Long>> writers = new ArrayList<>();
        for (StoreId id : stores) {
            writers.add(callers.submit(() -> {
                long head = 0;
                for (int b = 0; b < batches; b++) {
                    List<Event> batch = List.of(event(head + 1, head, "x"), event(head + 2, head + 1, "y"));
                    AppendResult result = store.append(id, head, batch, AT);
                    assertThat(result).isEqualTo(new AppendResult.Appended(head + 2));
                    head += 2;
                }
                return head;
            }));
        }
        for (Future<Long> writer : writers) {
            assertThat(writer.get(60, TimeUnit.SECONDS)).isEqualTo(2L * batches);
        }
        long commits = group.commits() - commitsBefore;
        assertThat(commits).as("commits for %d appends", storeCount * batches)
                .isGreaterThan(0).isLessThan((long) storeCount * batches);
        try (JdbcEventStore reopened = JdbcEventStore.open(database.settings())) {
            for (StoreId id : stores) {
                List<StoredEvent> events = reopened.read(id, 0, 1000);
                assertThat(events).hasSize(2 * batches);
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).event().seqNum()).isEqualTo(i + 1);
                }
            }
        }
    }

    private Future<AppendResult> submit(StoreId id, long expectedHead, List<Event> batch) {
        int before = store.groupCommit().queued();
        Future<AppendResult> future = callers.submit(() -> store.append(id, expectedHead, batch, AT));
        await(() -> store.groupCommit().queued() == before + 1);
        return future;
    }

    private List<String> names(StoreId id) {
        return store.read(id, 0, 100).stream()
                .map(stored -> stored.event().args().orElseThrow().replaceAll("[^a-z0-9]", "").substring(1))
                .toList();
    }

    private static Event event(long seqNum, long parentSeqNum, String name) {
        return Event.of("item-v1", "{\"n\":\"" + name + "\"}", seqNum, parentSeqNum, "client", "session");
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
