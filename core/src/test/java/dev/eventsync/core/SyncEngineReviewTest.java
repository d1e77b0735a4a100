package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Races across the catch-up to live switch, store resets and shutdown, opened deterministically. */
class SyncEngineReviewTest {

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final SyncEngine engine = SyncEngine.builder(store).build();
    private final StoreId s1 = StoreId.of("review-store");
    private final CallContext ctx = CallContext.local(s1);

    @AfterEach
    void stop() {
        engine.close();
    }

    /** Requests everything; holds its first onNext until {@link #release} is counted down. */
    static final class HoldingSubscriber implements Flow.Subscriber<PullPage> {
        final CountDownLatch inFirstOnNext = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<PullPage> pages = new CopyOnWriteArrayList<>();
        final CountDownLatch terminated = new CountDownLatch(1);
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(PullPage page) {
            pages.add(page);
            if (pages.size() == 1) {
                inFirstOnNext.countDown();
                await(release);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            terminated.countDown();
        }

        List<Long> seqNums() {
            return pages.stream().flatMap(p -> p.batch().stream()).map(StoredEvent::seqNum).toList();
        }
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(PullProbe.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("latch").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aPullThatFinishesItsBacklogWhileTheStoreIsResetDoesNotGoLiveOnTheNewHistory() {
        join(engine.push(ctx, Events.chain(0, 50, "a"), Optional.empty()));
        String old = store.backendId(s1);
        HoldingSubscriber pull = new HoldingSubscriber();
        // the first page may be delivered on the subscribing thread, which then holds in onNext
        Thread subscribing = new Thread(() -> engine.pull(ctx, Optional.empty(), true).subscribe(pull));
        subscribing.start();
        await(pull.inFirstOnNext); // the whole backlog (1..50) is being delivered; the pull is not live yet
        String fresh = join(engine.resetStore(s1));
        pull.release.countDown();
        PullProbe.await(() -> engine.livePullCount() == 1 || pull.terminated.getCount() == 0,
                "the pull to go live or to end");
        // the new history grows past the old pull's watermark
        join(engine.push(ctx, Events.chain(0, 60, "b"), Optional.empty()));
        await(pull.terminated);
        assertThat(SyncErrorException.errorOf(pull.error)).contains(new SyncError.BackendIdMismatch(fresh, old));
        assertThat(pull.seqNums()).as("only the old history, nothing of the new one under the old backendId")
                .isEqualTo(Events.chain(0, 50, "a").stream().map(e -> e.seqNum()).toList());
    }

    /** Two engines over one storage stand for two server nodes; the other one resets the store. */
    @Test
    void aResetMadeByAnotherNodeIsNoticedByTheNextPush() {
        join(engine.push(ctx, Events.chain(0, 5, "a"), Optional.empty()));
        String fresh;
        try (SyncEngine otherNode = SyncEngine.builder(store).build()) {
            fresh = join(otherNode.resetStore(s1));
        }
        // a client that learnt the new backendId from the other node pushes onto the empty log here
        assertThat(join(engine.push(ctx, Events.chain(0, 3, "b"), Optional.of(fresh))))
                .isEqualTo(new dev.eventsync.api.PushResult.Appended(3, 3));
        assertThat(join(engine.push(ctx, Events.chain(3, 1, "b"), Optional.empty())))
                .isEqualTo(new dev.eventsync.api.PushResult.Appended(4, 1));
        assertThat(store.read(s1, 0, 10)).extracting(e -> e.event().clientId()).containsOnly("b");
    }

    @Test
    void aResetMadeByAnotherNodeEndsThisNodesLivePullsAndNewPullsServeTheNewHistory() {
        join(engine.push(ctx, Events.chain(0, 5, "a"), Optional.empty()));
        String old = store.backendId(s1);
        PullProbe before = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), true).subscribe(before);
        before.awaitEvents(5);
        PullProbe.await(() -> engine.livePullCount() == 1, "the pull to go live");
        String fresh;
        try (SyncEngine otherNode = SyncEngine.builder(store).build()) {
            fresh = join(otherNode.resetStore(s1));
            join(otherNode.push(ctx, Events.chain(0, 2, "b"), Optional.of(fresh)));
        }
        // a pull started here after the reset must not spin, nor serve the new history under the old id
        PullProbe after = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), true).subscribe(after);
        join(engine.push(ctx, Events.chain(2, 1, "b"), Optional.of(fresh)));
        assertThat(SyncErrorException.errorOf(before.awaitTermination().error()))
                .contains(new SyncError.BackendIdMismatch(fresh, old));
        // the new pull either saw the reset (a retryable error) or serves the new history live
        PullProbe.await(() -> after.error() != null || after.seqNums().size() >= 3, "the new pull to settle");
        if (after.error() == null) {
            assertThat(after.seqNums()).containsExactly(1L, 2L, 3L);
            assertThat(after.pages).allSatisfy(p -> assertThat(p.backendId()).isEqualTo(fresh));
        } else {
            assertThat(SyncErrorException.errorOf(after.error())).isPresent();
        }
        PullProbe again = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), false).subscribe(again);
        assertThat(again.awaitTermination().seqNums()).containsExactly(1L, 2L, 3L);
        assertThat(again.pages).allSatisfy(p -> assertThat(p.backendId()).isEqualTo(fresh));
    }

    /** The bytes {@code page}'s events take in its {@code batch} array: their JSON and the commas. */
    static long batchBytes(PullPage page) {
        long bytes = Math.max(0, page.batch().size() - 1);
        for (StoredEvent event : page.batch()) {
            bytes += dev.eventsync.api.json.ProtocolJson.write(event).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    @Test
    void backlogAndLivePagesNeverExceedTheByteLimitWithTheirMetadata() {
        join(engine.push(ctx, Events.chain(0, 100, "a"), Optional.empty()));
        List<dev.eventsync.api.Event> sameSize = Events.chain(100, 40, "a");
        // a limit the old per-event estimate (event + 120 bytes) fills exactly with 10 events
        long limit = 10 * (dev.eventsync.api.json.ProtocolJson.encodedSize(sameSize.get(0)) + 120);
        try (SyncEngine tight = SyncEngine.builder(store)
                .limits(dev.eventsync.api.SyncLimits.defaults().withMaxPullBytes(limit)).build()) {
            join(tight.push(ctx, sameSize.subList(0, 20), Optional.empty()));
            PullProbe probe = PullProbe.unbounded();
            tight.pull(ctx, Optional.of(new dev.eventsync.api.PullCursor(100, Optional.empty())), true).subscribe(probe);
            probe.awaitEvents(20);
            PullProbe.await(() -> tight.livePullCount() == 1, "the pull to go live");
            join(tight.push(ctx, sameSize.subList(20, 40), Optional.empty()));
            probe.awaitEvents(40);
            assertThat(probe.seqNums()).isEqualTo(sameSize.stream().map(e -> e.seqNum()).toList());
            assertThat(probe.pages).allSatisfy(page -> assertThat(batchBytes(page)).isLessThanOrEqualTo(limit));
            List<PullPage> backlog = new java.util.ArrayList<>();
            for (PullPage page : probe.pages) {
                if (backlog.stream().mapToInt(p -> p.batch().size()).sum() < 20) {
                    backlog.add(page);
                }
            }
            SyncEnginePullTest.assertExactRemaining(backlog, 20);
        }
    }

    @Test
    void aSaturatedWorkerPoolAnswersUnavailableInsteadOfThrowing() throws Exception {
        FlakyStore gated = new FlakyStore(store);
        try (SyncEngine small = SyncEngine.builder(gated).settings(new EngineSettings(1, 1, 100)).build()) {
            CountDownLatch release = new CountDownLatch(1);
            gated.holdAfterAppend = release;
            java.util.concurrent.CompletionStage<?> holding = small.push(ctx, Events.chain(0, 1, "a"), Optional.empty());
            assertThat(gated.appendsDone.tryAcquire(20, TimeUnit.SECONDS)).as("the only worker is busy").isTrue();
            java.util.concurrent.CompletionStage<?> queued = small.push(ctx, Events.chain(1, 1, "a"), Optional.empty());
            try {
                // the queue (capacity 1) is full now: every call must still return a stage
                assertThat(SyncEnginePushTest.errorOf(small.push(ctx, Events.chain(1, 1, "b"), Optional.empty())))
                        .isInstanceOf(SyncError.Unavailable.class);
                assertThat(SyncEnginePushTest.errorOf(small.ping(ctx))).isInstanceOf(SyncError.Unavailable.class);
                assertThat(join(small.health()).ready()).isFalse();
            } finally {
                gated.holdAfterAppend = null;
                release.countDown();
            }
            join(holding);
            join(queued);
            assertThat(store.head(s1)).isEqualTo(2);
        }
    }

    @Test
    void aPushToAFreeStoreIsAdmittedOnTheWorkerThatAuthenticatedIt() throws Exception {
        List<Thread> authenticated = new CopyOnWriteArrayList<>();
        List<Thread> admitted = new CopyOnWriteArrayList<>();
        try (SyncEngine engine = SyncEngine.builder(store).settings(new EngineSettings(4, 100, 100))
                .authenticator(c -> {
                    authenticated.add(Thread.currentThread());
                    return dev.eventsync.spi.transport.AuthResult.allow();
                })
                .pushInterceptor((c, e) -> {
                    admitted.add(Thread.currentThread());
                    return dev.eventsync.spi.transport.Verdict.ACCEPT;
                }).build()) {
            for (int i = 0; i < 20; i++) {
                join(engine.push(ctx, Events.chain(i, 1, "a"), Optional.empty()));
            }
            assertThat(store.head(s1)).isEqualTo(20);
            assertThat(admitted).hasSize(20);
            // one hand-off fewer: the admission ran on the authenticating worker, never on the caller's thread
            assertThat(admitted).isEqualTo(authenticated).doesNotContain(Thread.currentThread());
        }
    }

    @Test
    void aPushToABusyStoreWaitsForTheSlotInsteadOfRunningBesideIt() throws Exception {
        FlakyStore gated = new FlakyStore(store);
        try (SyncEngine engine = SyncEngine.builder(gated).settings(new EngineSettings(4, 100, 100)).build()) {
            CountDownLatch release = new CountDownLatch(1);
            gated.holdAfterAppend = release;
            java.util.concurrent.CompletionStage<?> first = engine.push(ctx, Events.chain(0, 1, "a"), Optional.empty());
            assertThat(gated.appendsDone.tryAcquire(20, TimeUnit.SECONDS)).as("the first push holds the slot").isTrue();
            // the latch stays set: released below, it lets both appends through
            java.util.concurrent.CompletableFuture<?> second = engine.push(ctx, Events.chain(1, 1, "a"), Optional.empty())
                    .toCompletableFuture();
            // free workers remain, yet the second push may not append while the first holds the store's slot
            assertThat(gated.appendsDone.tryAcquire(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(second).isNotDone();
            release.countDown();
            join(first);
            join(second);
            assertThat(store.head(s1)).isEqualTo(2);
        }
    }

    @Test
    void callsOnAShutDownEngineFailWithUnavailableInsteadOfThrowing() {
        SyncEngine stopped = SyncEngine.builder(store).build();
        stopped.close();
        assertThat(SyncEnginePushTest.errorOf(stopped.resetStore(s1))).isInstanceOf(SyncError.Unavailable.class);
        assertThat(SyncEnginePushTest.errorOf(stopped.ping(ctx))).isInstanceOf(SyncError.Unavailable.class);
        assertThat(SyncEnginePushTest.errorOf(stopped.stores())).isInstanceOf(SyncError.Unavailable.class);
        assertThat(join(stopped.health()).ready()).isFalse();
    }

    /** Breaks Reactive Streams rule 2.13 on purpose: throws from onError and onComplete. */
    static final class ThrowingOnTermination extends java.util.concurrent.atomic.AtomicInteger
            implements Flow.Subscriber<PullPage> {
        private static final long serialVersionUID = 1L;
        final List<PullPage> pages = new CopyOnWriteArrayList<>();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(PullPage page) {
            pages.add(page);
        }

        @Override
        public void onError(Throwable throwable) {
            incrementAndGet();
            throw new IllegalStateException("connection already closed (injected)");
        }

        @Override
        public void onComplete() {
            incrementAndGet();
            throw new IllegalStateException("connection already closed (injected)");
        }
    }

    @Test
    void aSubscriberThrowingFromOnErrorDoesNotStopTheResetOfOtherPulls() {
        join(engine.push(ctx, Events.chain(0, 2, "a"), Optional.empty()));
        ThrowingOnTermination rude = new ThrowingOnTermination();
        engine.pull(ctx, Optional.empty(), true).subscribe(rude);
        PullProbe.await(() -> engine.livePullCount() == 1, "the first pull to go live");
        PullProbe polite = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), true).subscribe(polite);
        PullProbe.await(() -> engine.livePullCount() == 2, "both pulls to go live");
        String fresh = join(engine.resetStore(s1));
        assertThat(fresh).isEqualTo(store.backendId(s1));
        assertThat(SyncErrorException.errorOf(polite.awaitTermination().error()))
                .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.BackendIdMismatch.class));
        assertThat(rude.get()).isEqualTo(1);
    }

    @Test
    void aSubscriberThrowingFromOnErrorDoesNotStopTheShutdown() {
        SyncEngine stopping = SyncEngine.builder(store).build();
        ThrowingOnTermination rude = new ThrowingOnTermination();
        PullProbe polite = PullProbe.unbounded();
        stopping.pull(ctx, Optional.empty(), true).subscribe(rude);
        stopping.pull(ctx, Optional.empty(), true).subscribe(polite);
        PullProbe.await(() -> stopping.livePullCount() == 2, "both pulls to go live");
        stopping.close();
        assertThat(SyncErrorException.errorOf(polite.awaitTermination().error()))
                .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unavailable.class));
        assertThat(rude.get()).isEqualTo(1);
    }

    @Test
    void aSubscriberThrowingFromOnCompleteDoesNotBreakTheEngine() {
        join(engine.push(ctx, Events.chain(0, 2, "a"), Optional.empty()));
        ThrowingOnTermination rude = new ThrowingOnTermination();
        engine.pull(ctx, Optional.empty(), false).subscribe(rude);
        PullProbe.await(() -> rude.get() == 1, "onComplete");
        assertThat(rude.pages).hasSize(1);
        PullProbe next = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), false).subscribe(next);
        assertThat(next.awaitTermination().seqNums()).containsExactly(1L, 2L);
    }

    @Test
    void aPullOnAShutDownEngineSaysItIsShuttingDownNotOverloaded() {
        SyncEngine stopped = SyncEngine.builder(store).build();
        stopped.close();
        PullProbe probe = PullProbe.unbounded();
        stopped.pull(ctx, Optional.empty(), true).subscribe(probe);
        assertThat(SyncErrorException.errorOf(probe.awaitTermination().error()))
                .contains(new SyncError.Unavailable("the server is shutting down"));
    }

    /** Requests one page at a time, from inside onNext; records overlapping or surplus signals. */
    static final class OneByOne implements Flow.Subscriber<PullPage> {
        final List<PullPage> pages = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger depth = new java.util.concurrent.atomic.AtomicInteger();
        volatile Flow.Subscription subscription;
        volatile int maxDepth;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(PullPage page) {
            int d = depth.incrementAndGet();
            maxDepth = Math.max(maxDepth, d);
            if (d > 1) {
                violations.add("onNext re-entered");
            }
            pages.add(page);
            subscription.request(1);
            depth.decrementAndGet();
        }

        @Override
        public void onError(Throwable throwable) {
            violations.add("onError " + throwable);
        }

        @Override
        public void onComplete() {
            violations.add("onComplete of a live pull");
        }

        List<Long> seqNums() {
            return pages.stream().flatMap(p -> p.batch().stream()).map(StoredEvent::seqNum).toList();
        }
    }

    @Test
    void requestingFromInsideOnNextNeverReentersAndWalksBacklogAndLiveInOrder() {
        try (SyncEngine onePerPage = SyncEngine.builder(store)
                .limits(dev.eventsync.api.SyncLimits.defaults().withMaxPullEvents(1)).build()) {
            join(onePerPage.push(ctx, Events.chain(0, 100, "a"), Optional.empty()));
            join(onePerPage.push(ctx, Events.chain(100, 100, "a"), Optional.empty()));
            OneByOne subscriber = new OneByOne();
            onePerPage.pull(ctx, Optional.empty(), true).subscribe(subscriber);
            PullProbe.await(() -> subscriber.pages.size() >= 200, "the backlog, a page per event");
            for (int i = 0; i < 20; i++) {
                join(onePerPage.push(ctx, Events.chain(200 + i * 5L, 5, "a"), Optional.empty()));
            }
            PullProbe.await(() -> subscriber.seqNums().size() >= 300, "the live events");
            assertThat(subscriber.seqNums()).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 300).boxed().toList());
            assertThat(subscriber.pages).allSatisfy(p -> assertThat(p.batch()).hasSize(1));
            assertThat(subscriber.violations).isEmpty();
            assertThat(subscriber.maxDepth).isEqualTo(1);
        }
    }

    @Test
    void aCancelledPullGetsNoSignalWhenTheStoreIsResetOrTheEngineStops() {
        join(engine.push(ctx, Events.chain(0, 2, "a"), Optional.empty()));
        PullProbe probe = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), true).subscribe(probe);
        probe.awaitEvents(2);
        PullProbe.await(() -> engine.livePullCount() == 1, "the pull to go live");
        probe.cancel();
        PullProbe.await(() -> engine.livePullCount() == 0, "the pull to leave");
        join(engine.push(ctx, Events.chain(2, 1, "a"), Optional.empty()));
        join(engine.resetStore(s1));
        engine.close();
        assertThat(probe.pages).hasSize(1);
        assertThat(probe.error()).isNull();
        assertThat(probe.isCompleted()).isFalse();
    }

    @Test
    void callsStillQueuedWhenTheShutdownGraceRunsOutAreAnsweredNotDropped() throws Exception {
        FlakyStore stuck = new FlakyStore(store);
        SyncEngine stopping = SyncEngine.builder(stuck).settings(new EngineSettings(1, 10, 100)).build();
        CountDownLatch neverReleased = new CountDownLatch(1);
        stuck.holdAfterAppend = neverReleased; // the storage hangs (until interrupted)
        java.util.concurrent.CompletionStage<?> hanging = stopping.push(ctx, Events.chain(0, 1, "a"), Optional.empty());
        assertThat(stuck.appendsDone.tryAcquire(20, TimeUnit.SECONDS)).as("the only worker is stuck").isTrue();
        java.util.concurrent.CompletionStage<?> queued = stopping.push(ctx, Events.chain(1, 1, "a"), Optional.empty());
        java.util.concurrent.CompletionStage<?> ping = stopping.ping(ctx);
        stopping.shutdown(java.time.Duration.ofMillis(100));
        assertThat(SyncEnginePushTest.errorOf(queued)).isInstanceOf(SyncError.Unavailable.class);
        assertThat(SyncEnginePushTest.errorOf(ping)).isInstanceOf(SyncError.Unavailable.class);
        assertThat(SyncEnginePushTest.errorOf(hanging)).isInstanceOf(SyncError.Unavailable.class);
        assertThat(store.head(s1)).as("nothing queued ran after the shutdown").isEqualTo(1);
    }
}
