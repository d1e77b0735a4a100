package dev.eventsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Idle stores' engine state is released beyond {@link EngineSettings#maxIdleStores()}, so that many short-lived
 * stores do not grow the heap, and a released store is read again from storage on its next use: correctness is
 * unaffected (heads, backendIds, ServerAhead, live pulls).
 */
class IdleStoreReleaseTest {

    private static PushResult push(SyncEngine engine, String store, long parent, int count) {
        return push(engine, store, parent, count, "c");
    }

    private static PushResult push(SyncEngine engine, String store, long parent, int count, String client) {
        return engine.push(CallContext.local(StoreId.of(store)), Events.chain(parent, count, client), Optional.empty())
                .toCompletableFuture().join();
    }

    @Test
    void idleStoresAreReleasedBeyondTheLimitAndReloadedOnTheirNextUse() {
        InMemoryEventStore storage = new InMemoryEventStore();
        try (SyncEngine engine = SyncEngine.builder(storage)
                .settings(EngineSettings.DEFAULTS.withMaxIdleStores(10)).build()) {
            for (int i = 0; i < 2_000; i++) {
                push(engine, "short-" + i, 0, 2);
            }
            assertThat(engine.cachedStoreCount()).isLessThanOrEqualTo(10);
            String backendId = storage.backendId(StoreId.of("short-0"));
            // released long ago: its next push is judged against the head in storage
            assertThatThrownBy(() -> push(engine, "short-0", 0, 1, "other")).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(SyncErrorException.class,
                            e -> assertThat(e.error()).isEqualTo(new SyncError.ServerAhead(2, 0)));
            assertThat(push(engine, "short-0", 1, 1)).isInstanceOf(PushResult.AlreadyApplied.class); // a retry
            assertThat(push(engine, "short-0", 2, 3).head()).hasValue(5);
            assertThat(storage.backendId(StoreId.of("short-0"))).isEqualTo(backendId);
            assertThat(storage.head(StoreId.of("short-0"))).isEqualTo(5);
        }
    }

    @Test
    void zeroKeepsNoIdleStore() {
        try (SyncEngine engine = SyncEngine.builder(new InMemoryEventStore())
                .settings(EngineSettings.DEFAULTS.withMaxIdleStores(0)).build()) {
            for (int i = 0; i < 100; i++) {
                push(engine, "s" + i, 0, 1);
            }
            assertThat(engine.cachedStoreCount()).isZero();
        }
    }

    @Test
    void aStoreWithALivePullIsNeverReleasedAndItsPullMissesNothing() {
        InMemoryEventStore storage = new InMemoryEventStore();
        try (SyncEngine engine = SyncEngine.builder(storage)
                .settings(EngineSettings.DEFAULTS.withMaxIdleStores(0)).build()) {
            PullProbe probe = PullProbe.unbounded();
            engine.pull(CallContext.local(StoreId.of("watched")), Optional.empty(), true).subscribe(probe);
            long head = 0;
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 50; i++) {
                    push(engine, "churn-" + round + "-" + i, 0, 1); // other stores come and go
                }
                push(engine, "watched", head, 2);
                head += 2;
            }
            long expected = head;
            PullProbe.await(() -> probe.events().size() == expected, "every event of the watched store");
            assertThat(probe.events()).extracting(e -> e.event().seqNum())
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, expected).boxed().toList());
            assertThat(engine.cachedStoreCount()).isEqualTo(1); // only the watched store is held
            probe.cancel();
        }
    }
}
