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
        engine.pull(ctx, Optional.empty(), true).subscribe(pull);
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
}
