package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyncEnginePullTest {

    private final InMemoryEventStore store = new InMemoryEventStore();
    private SyncEngine engine = SyncEngine.builder(store).build();
    private final StoreId s1 = StoreId.of("pull-store");
    private final CallContext ctx = CallContext.local(s1);

    @AfterEach
    void stop() {
        engine.close();
    }

    private PullProbe pull(Optional<PullCursor> cursor, boolean live) {
        PullProbe probe = PullProbe.unbounded();
        engine.pull(ctx, cursor, live).subscribe(probe);
        return probe;
    }

    private void pushChain(long parent, int count) {
        join(engine.push(ctx, Events.chain(parent, count, "w"), Optional.empty()));
    }

    @Test
    void emptyStoreAnswersExactlyOneEmptyNoMorePage() {
        PullProbe probe = pull(Optional.empty(), false).awaitTermination();
        assertThat(probe.isCompleted()).isTrue();
        assertThat(probe.pages).hasSize(1);
        assertThat(probe.pages.get(0).batch()).isEmpty();
        assertThat(probe.pages.get(0).pageInfo()).isEqualTo(PageInfo.NO_MORE);
        assertThat(probe.pages.get(0).backendId()).isEqualTo(store.backendId(s1));
    }

    @Test
    void livePullOnAnEmptyStoreFirstSaysNoMoreThenDeliversLaterPushes() {
        PullProbe probe = pull(Optional.empty(), true).awaitPages(1);
        assertThat(probe.pages.get(0)).isEqualTo(new PullPage(List.of(), PageInfo.NO_MORE, store.backendId(s1)));
        pushChain(0, 1);
        probe.awaitEvents(1);
        assertThat(probe.pages.get(1).pageInfo()).isEqualTo(PageInfo.NO_MORE);
        assertThat(probe.seqNums()).containsExactly(1L);
        assertThat(probe.isCompleted()).isFalse();
    }

    @Test
    void pullFromTheHeadCursorIsOneEmptyNoMorePage() {
        pushChain(0, 3);
        PullProbe probe = pull(Optional.of(PullCursor.after(3, store.backendId(s1))), false).awaitTermination();
        assertThat(probe.pages).hasSize(1);
        assertThat(probe.pages.get(0).batch()).isEmpty();
        assertThat(probe.pages.get(0).pageInfo()).isEqualTo(PageInfo.NO_MORE);
    }

    @Test
    void cursorsThatCannotBeServedGetTypedErrors() {
        pushChain(0, 3);
        assertThat(errorOf(pull(Optional.of(PullCursor.after(-1)), false)))
                .isInstanceOf(SyncError.InvalidCursor.class);
        assertThat(errorOf(pull(Optional.of(PullCursor.after(4)), false)))
                .isInstanceOfSatisfying(SyncError.InvalidCursor.class,
                        e -> assertThat(e.reason()).contains("head is 3"));
        assertThat(errorOf(pull(Optional.of(PullCursor.after(1, "stale")), true)))
                .isEqualTo(new SyncError.BackendIdMismatch(store.backendId(s1), "stale"));
    }

    private static SyncError errorOf(PullProbe probe) {
        probe.awaitTermination();
        assertThat(probe.pages).isEmpty();
        return SyncErrorException.errorOf(probe.error()).orElseThrow();
    }

    @Test
    void thousandsOfSmallEventsComeBackCompleteInOrderWithExactRemaining() {
        String kib = "{\"t\":\"" + "a".repeat(1000) + "\",\"n\":%d}";
        for (int i = 0; i < 20; i++) {
            join(engine.push(ctx, Events.chain(i * 90L, 90, "w", kib), Optional.empty()));
        }
        PullProbe probe = pull(Optional.empty(), false).awaitTermination();
        assertThat(probe.seqNums()).isEqualTo(LongStream.rangeClosed(1, 1800).boxed().toList());
        assertExactRemaining(probe.pages, 1800);
        assertThat(probe.pages).allSatisfy(p -> assertThat(p.batch()).hasSizeLessThanOrEqualTo(100));
    }

    @Test
    void largeEventsArePagedWithinTheByteLimit() {
        long head = 0;
        for (int i = 0; i < 10; i++) {
            List<Event> batch = new ArrayList<>();
            for (int j = 0; j < 6; j++) {
                batch.add(Events.sized(head + 1, head, 120_000));
                head++;
            }
            join(engine.push(ctx, batch, Optional.empty()));
        }
        PullProbe probe = pull(Optional.empty(), false).awaitTermination();
        assertThat(probe.seqNums()).isEqualTo(LongStream.rangeClosed(1, 60).boxed().toList());
        assertExactRemaining(probe.pages, 60);
        for (PullPage page : probe.pages) {
            int bytes = ProtocolJson.write(page).getBytes(StandardCharsets.UTF_8).length;
            assertThat(bytes).as("encoded page size").isLessThanOrEqualTo(900_000);
        }
        assertThat(probe.pages.size()).isGreaterThan(6);
    }

    @Test
    void anEventLargerThanThePageLimitTravelsAlone() {
        engine.close();
        engine = SyncEngine.builder(store).limits(SyncLimits.defaults().withMaxPullBytes(10_000)).build();
        join(engine.push(ctx, List.of(Events.sized(1, 0, 50), Events.sized(2, 1, 20_000), Events.sized(3, 2, 50)),
                Optional.empty()));
        PullProbe probe = pull(Optional.empty(), false).awaitTermination();
        assertThat(probe.pages).extracting(p -> p.batch().size()).containsExactly(1, 1, 1);
        assertExactRemaining(probe.pages, 3);
    }

    static void assertExactRemaining(List<PullPage> pages, long total) {
        long seen = 0;
        for (int i = 0; i < pages.size(); i++) {
            seen += pages.get(i).batch().size();
            PageInfo expected = PageInfo.moreKnown(total - seen);
            assertThat(pages.get(i).pageInfo()).as("pageInfo of page %d", i).isEqualTo(expected);
        }
        assertThat(seen).isEqualTo(total);
    }

    @Test
    void aLiveSubscriberStartedDuringAStreamOfPushesSeesEveryEventOnceInOrder() throws Exception {
        engine.close();
        // small pages: many catch-up reads, so the switch to live races with pushes often
        engine = SyncEngine.builder(store).limits(SyncLimits.defaults().withMaxPullEvents(7)).build();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
            long head = 0;
            for (int i = 0; i < 400 && !stop.get(); i++) {
                join(engine.push(ctx, Events.chain(head, 3, "w"), Optional.empty()));
                head += 3;
            }
            return head;
        });
        List<PullProbe> probes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Thread.sleep(1);
            probes.add(pull(Optional.empty(), true));
        }
        long head = writer.join();
        for (PullProbe probe : probes) {
            probe.awaitEvents((int) head);
            assertThat(probe.seqNums()).isEqualTo(LongStream.rangeClosed(1, head).boxed().toList());
            assertThat(probe.protocolViolations).isEmpty();
            assertThat(probe.error()).isNull();
        }
    }

    @Test
    void thePushersOwnLivePullReceivesTheBatchBeforeThePushCompletes() {
        PullProbe probe = pull(Optional.empty(), true).awaitPages(1);
        for (int i = 0; i < 50; i++) {
            long parent = i * 2L;
            CompletionStage<?> push = engine.push(ctx, Events.chain(parent, 2, "me"), Optional.empty());
            AtomicReference<List<Long>> seenAtAck = new AtomicReference<>();
            join(push.thenRun(() -> seenAtAck.set(probe.seqNums())));
            assertThat(seenAtAck.get()).as("events seen by the live pull when push %d completed", i)
                    .contains(parent + 1, parent + 2);
        }
    }

    @Test
    void aSlowSubscriberBlocksNeitherPushesNorOthersAndLaterGetsEverythingInOrder() {
        engine.close();
        engine = SyncEngine.builder(store).limits(SyncLimits.defaults().withLiveBufferEvents(50)).build();
        PullProbe slow = new PullProbe();
        engine.pull(ctx, Optional.empty(), true).subscribe(slow);
        slow.request(1);
        slow.awaitPages(1);
        PullProbe fast = pull(Optional.empty(), true).awaitPages(1);
        for (int i = 0; i < 100; i++) {
            pushChain(i * 5L, 5);
        }
        fast.awaitEvents(500);
        assertThat(fast.seqNums()).isEqualTo(LongStream.rangeClosed(1, 500).boxed().toList());
        assertThat(slow.events()).isEmpty();
        slow.request(Long.MAX_VALUE);
        slow.awaitEvents(500);
        assertThat(slow.seqNums()).isEqualTo(LongStream.rangeClosed(1, 500).boxed().toList());
        // back to live after catching up
        pushChain(500, 1);
        slow.awaitEvents(501);
        fast.awaitEvents(501);
        assertThat(slow.seqNums()).endsWith(500L, 501L);
        assertThat(slow.protocolViolations).isEmpty();
    }

    @Test
    void demandIsCountedInPagesAndCancelStopsDelivery() {
        pushChain(0, 100);
        pushChain(100, 100);
        pushChain(200, 50);
        PullProbe probe = new PullProbe();
        engine.pull(ctx, Optional.empty(), false).subscribe(probe);
        probe.request(1);
        probe.awaitPages(1);
        assertThat(probe.pages).hasSize(1);
        assertThat(probe.pages.get(0).pageInfo()).isEqualTo(PageInfo.moreKnown(150));
        probe.request(1);
        probe.awaitPages(2);
        probe.cancel();
        pushChain(250, 1);
        assertThat(probe.pages).hasSize(2);
        assertThat(probe.isCompleted()).isFalse();
    }

    @Test
    void requestOfZeroIsAProtocolErrorForTheSubscriber() {
        PullProbe probe = new PullProbe();
        engine.pull(ctx, Optional.empty(), false).subscribe(probe);
        probe.request(0);
        assertThat(probe.awaitTermination().error()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetStoreGivesANewBackendIdAndEndsLivePullsWithAMismatch() {
        pushChain(0, 2);
        String old = store.backendId(s1);
        PullProbe live = pull(Optional.empty(), true).awaitEvents(2);
        String fresh = join(engine.resetStore(s1));
        assertThat(fresh).isNotEqualTo(old);
        assertThat(SyncErrorException.errorOf(live.awaitTermination().error()))
                .contains(new SyncError.BackendIdMismatch(fresh, old));
        assertThat(store.head(s1)).isZero();
        pushChain(0, 1);
        assertThat(pull(Optional.empty(), false).awaitTermination().seqNums()).containsExactly(1L);
    }

    @Test
    void shutdownEndsLivePullsWithUnavailableAndRefusesNewWork() {
        PullProbe live = pull(Optional.empty(), true).awaitPages(1);
        engine.close();
        assertThat(SyncErrorException.errorOf(live.awaitTermination().error()))
                .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unavailable.class));
        assertThat(SyncEnginePushTest.errorOf(engine.push(ctx, Events.chain(0, 1, "a"), Optional.empty())))
                .isInstanceOf(SyncError.Unavailable.class);
    }

    @Test
    void storageFailuresBecomeUnavailableAndThePullEnds() {
        FlakyStore flaky = new FlakyStore(store);
        try (SyncEngine onFlaky = SyncEngine.builder(flaky).build()) {
            join(onFlaky.push(ctx, Events.chain(0, 1, "a"), Optional.empty()));
            flaky.down = true;
            assertThat(SyncEnginePushTest.errorOf(onFlaky.push(ctx, Events.chain(1, 1, "a"), Optional.empty())))
                    .isInstanceOf(SyncError.Unavailable.class);
            PullProbe probe = PullProbe.unbounded();
            onFlaky.pull(ctx, Optional.empty(), false).subscribe(probe);
            assertThat(SyncErrorException.errorOf(probe.awaitTermination().error()))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unavailable.class));
            assertThat(join(onFlaky.health()).ready()).isFalse();
            flaky.down = false;
            join(onFlaky.push(ctx, Events.chain(1, 1, "a"), Optional.empty()));
            assertThat(join(onFlaky.health()).ready()).isTrue();
        }
        assertThat(store.read(s1, 0, 10)).extracting(StoredEvent::seqNum).containsExactly(1L, 2L);
    }

    /** Flow.Subscriber sanity: every publisher call gets its own independent pull. */
    @Test
    void eachSubscribeIsAnIndependentPull() {
        pushChain(0, 3);
        Flow.Publisher<PullPage> publisher = engine.pull(ctx, Optional.empty(), false);
        PullProbe a = PullProbe.unbounded();
        PullProbe b = PullProbe.unbounded();
        publisher.subscribe(a);
        publisher.subscribe(b);
        assertThat(a.awaitTermination().seqNums()).containsExactly(1L, 2L, 3L);
        assertThat(b.awaitTermination().seqNums()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void eventsReadFromStorageBeforeTheirPublicationAreNotDeliveredTwice() throws Exception {
        FlakyStore gated = new FlakyStore(store);
        try (SyncEngine onGated = SyncEngine.builder(gated).build()) {
            join(onGated.push(ctx, Events.chain(0, 2, "a"), Optional.empty()));
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            gated.holdAfterAppend = release;
            gated.appendsDone.drainPermits();
            CompletionStage<?> push = onGated.push(ctx, Events.chain(2, 3, "a"), Optional.empty());
            assertThat(gated.appendsDone.tryAcquire(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // the batch is durable but not yet published: a new live pull reads it from storage
            PullProbe probe = PullProbe.unbounded();
            onGated.pull(ctx, Optional.empty(), true).subscribe(probe);
            probe.awaitEvents(5);
            PullProbe.await(() -> onGated.livePullCount() == 1, "the pull to go live");
            gated.holdAfterAppend = null;
            release.countDown();
            join(push);
            join(onGated.push(ctx, Events.chain(5, 1, "a"), Optional.empty()));
            probe.awaitEvents(6);
            assertThat(probe.seqNums()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        }
    }
}
