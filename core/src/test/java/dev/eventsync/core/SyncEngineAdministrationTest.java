package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.CallContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the admin API asks of the engine: store statuses, open pulls with their lag, tails, delete. */
class SyncEngineAdministrationTest {

    /** A clock the test moves by hand, so that lags in milliseconds are exact. */
    private static final class HandClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final HandClock clock = new HandClock();
    private final SyncEngine engine = SyncEngine.builder(store).clock(clock).build();
    private final StoreId s1 = StoreId.of("admin-a");
    private final StoreId s2 = StoreId.of("admin-b");
    private final CallContext ws = new CallContext(s1, Optional.empty(), Map.of(), Optional.of("client-7"), "ws",
            Optional.of("127.0.0.1:5555"));

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void storeStatusesListHeadsCountsLivePullsAndTheLastPushTime() {
        join(engine.push(CallContext.local(s1), Events.chain(0, 3, "a"), Optional.empty()));
        clock.advance(Duration.ofSeconds(5));
        join(engine.push(CallContext.local(s1), Events.chain(3, 2, "a"), Optional.empty()));
        join(engine.push(CallContext.local(s2), Events.chain(0, 1, "b"), Optional.empty()));
        PullProbe live = PullProbe.unbounded();
        engine.pull(ws, Optional.empty(), true).subscribe(live);
        live.awaitEvents(5);
        PullProbe.await(() -> engine.livePullCount() == 1, "the pull to go live");

        List<StoreStatus> statuses = join(engine.storeStatuses());
        assertThat(statuses).extracting(StoreStatus::storeId).containsExactly(s1, s2);
        StoreStatus a = statuses.get(0);
        assertThat(a.head()).isEqualTo(5);
        assertThat(a.eventCount()).isEqualTo(5);
        assertThat(a.backendId()).isEqualTo(store.backendId(s1));
        assertThat(a.liveSubscribers()).isEqualTo(1);
        assertThat(a.lastPushAt()).contains(Instant.parse("2026-01-01T00:00:05Z"));
        assertThat(statuses.get(1).liveSubscribers()).isZero();
    }

    @Test
    void pullsShowTheClientItsCursorAndHowFarItLagsInEventsAndTime() {
        join(engine.push(CallContext.local(s1), Events.chain(0, 2, "a"), Optional.empty()));
        PullProbe slow = new PullProbe(); // requests nothing until told
        engine.pull(ws, Optional.empty(), true).subscribe(slow);
        slow.request(1);
        slow.awaitPages(1);
        assertThat(join(engine.pulls(s1))).singleElement().satisfies(p -> {
            assertThat(p.clientId()).contains("client-7");
            assertThat(p.transport()).isEqualTo("ws");
            assertThat(p.remote()).contains("127.0.0.1:5555");
            assertThat(p.cursor()).isEqualTo(2);
            assertThat(p.lagEvents()).isZero();
            assertThat(p.lag()).isZero();
        });
        // three more events arrive while the client asks for nothing: it lags by 3 events, as old as the first
        join(engine.push(CallContext.local(s1), Events.chain(2, 3, "a"), Optional.empty()));
        clock.advance(Duration.ofMillis(1500));
        assertThat(join(engine.pulls(s1))).singleElement().satisfies(p -> {
            assertThat(p.cursor()).isEqualTo(2);
            assertThat(p.lagEvents()).isEqualTo(3);
            assertThat(p.lag()).isEqualTo(Duration.ofMillis(1500));
        });
        assertThat(join(engine.pulls(s2))).isEmpty();
        slow.request(10);
        slow.awaitEvents(5);
        assertThat(join(engine.pulls(s1))).singleElement().satisfies(p -> {
            assertThat(p.cursor()).isEqualTo(5);
            assertThat(p.lagEvents()).isZero();
        });
        slow.cancel();
        PullProbe.await(() -> join(engine.pulls(s1)).isEmpty(), "a cancelled pull to leave the list");
    }

    @Test
    void aTailNeedsNoClientCredentialsAndFollowsTheStoreLive() {
        // this engine lets in-process callers in and denies everyone else, the admin API's tail included
        try (SyncEngine guarded = SyncEngine.builder(store).authenticator(ctx -> ctx.transport().equals("local")
                ? AuthResult.allow() : AuthResult.deny("no token")).build()) {
            join(guarded.push(CallContext.local(s1), Events.chain(0, 4, "a"), Optional.empty()));
            PullProbe tail = PullProbe.unbounded();
            guarded.tail(s1, 2, Optional.of("10.0.0.1:4000")).subscribe(tail);
            tail.awaitEvents(2);
            assertThat(tail.seqNums()).containsExactly(3L, 4L);
            PullProbe.await(() -> guarded.livePullCount() == 1, "the tail to go live");
            assertThat(join(guarded.pulls(s1))).singleElement().satisfies(p -> {
                assertThat(p.transport()).isEqualTo("admin");
                assertThat(p.remote()).contains("10.0.0.1:4000");
            });
            join(guarded.push(CallContext.local(s1), Events.chain(4, 2, "a"), Optional.empty()));
            tail.awaitEvents(4);
            assertThat(tail.seqNums()).containsExactly(3L, 4L, 5L, 6L);
            // the same pull from a client of another transport is refused
            PullProbe client = PullProbe.unbounded();
            guarded.pull(ws, Optional.empty(), false).subscribe(client);
            assertThat(SyncErrorException.errorOf(client.awaitTermination().error()))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unauthorized.class));
        }
    }

    @Test
    void deleteRemovesTheStoreEndsItsPullsWithAMismatchAndANewUseStartsAfresh() {
        join(engine.push(CallContext.local(s1), Events.chain(0, 3, "a"), Optional.empty()));
        join(engine.push(CallContext.local(s2), Events.chain(0, 1, "b"), Optional.empty()));
        String old = store.backendId(s1);
        PullProbe live = PullProbe.unbounded();
        engine.pull(ws, Optional.empty(), true).subscribe(live);
        live.awaitEvents(3);

        assertThat(join(engine.deleteStore(s1))).isTrue();
        assertThat(SyncErrorException.errorOf(live.awaitTermination().error()))
                .contains(new SyncError.BackendIdMismatch("(deleted)", old));
        assertThat(join(engine.storeStatuses())).extracting(StoreStatus::storeId).containsExactly(s2);
        assertThat(join(engine.deleteStore(StoreId.of("never-used")))).isFalse();

        // a client that comes back starts a new, empty store
        join(engine.push(CallContext.local(s1), Events.chain(0, 1, "c"), Optional.empty()));
        assertThat(store.backendId(s1)).isNotEqualTo(old);
        PullProbe fresh = PullProbe.unbounded();
        engine.pull(CallContext.local(s1), Optional.empty(), false).subscribe(fresh);
        assertThat(fresh.awaitTermination().seqNums()).containsExactly(1L);
    }
}
