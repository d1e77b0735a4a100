package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.memory.InMemoryEventStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reactive Streams rules of {@link LocalSyncBackend}'s pulls while the subscriber is busy in onNext. */
class LocalSyncBackendReviewTest {

    private final SyncEngine engine = SyncEngine.builder(new InMemoryEventStore()).build();
    private final LocalSyncBackend client = new LocalSyncBackend(engine, StoreId.of("busy"));

    @AfterEach
    void stop() {
        client.close();
        engine.close();
    }

    /** Requests everything and holds in its first onNext until released; records overlapping signals. */
    static final class BusySubscriber implements Flow.Subscriber<PullPage> {
        final CountDownLatch inFirstOnNext = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch terminated = new CountDownLatch(1);
        final List<String> violations = new CopyOnWriteArrayList<>();
        final List<PullPage> pages = new CopyOnWriteArrayList<>();
        volatile Flow.Subscription subscription;
        volatile boolean inOnNext;
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(PullPage page) {
            inOnNext = true;
            pages.add(page);
            if (pages.size() == 1) {
                inFirstOnNext.countDown();
                SyncEngineReviewTest.await(release);
            }
            inOnNext = false;
        }

        @Override
        public void onError(Throwable throwable) {
            if (inOnNext) {
                violations.add("onError while onNext runs");
            }
            error = throwable;
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            if (inOnNext) {
                violations.add("onComplete while onNext runs");
            }
            terminated.countDown();
        }
    }

    private BusySubscriber busyLivePull() {
        join(client.push(Events.chain(0, 3, "a")));
        BusySubscriber subscriber = new BusySubscriber();
        // the first page may be delivered on the subscribing thread, which then holds in onNext
        new Thread(() -> client.pull(Optional.empty(), true).subscribe(subscriber)).start();
        SyncEngineReviewTest.await(subscriber.inFirstOnNext);
        return subscriber;
    }

    private static void assertReturnsWhileOnNextIsBusy(Runnable call) throws Exception {
        CompletableFuture<Void> returned = CompletableFuture.runAsync(call, runnable -> new Thread(runnable).start());
        // a liveness bound, not a performance figure: the call must not wait for the subscriber at all
        // (shorter than the subscriber's own hold, which ends at PullProbe.TIMEOUT)
        returned.get(PullProbe.TIMEOUT.toMillis() / 4, TimeUnit.MILLISECONDS);
    }

    @Test
    void cancelReturnsWhileTheSubscriberIsBusyInOnNext() throws Exception {
        BusySubscriber subscriber = busyLivePull();
        try {
            assertReturnsWhileOnNextIsBusy(() -> subscriber.subscription.cancel());
        } finally {
            subscriber.release.countDown();
        }
        join(client.push(Events.chain(3, 1, "a")));
        assertThat(subscriber.pages).hasSize(1);
        assertThat(subscriber.violations).isEmpty();
    }

    @Test
    void closeReturnsWhileASubscriberIsBusyAndItsErrorFollowsOnNext() throws Exception {
        BusySubscriber subscriber = busyLivePull();
        try {
            assertReturnsWhileOnNextIsBusy(client::close);
        } finally {
            subscriber.release.countDown();
        }
        SyncEngineReviewTest.await(subscriber.terminated);
        assertThat(SyncErrorException.errorOf(subscriber.error))
                .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unavailable.class));
        assertThat(subscriber.violations).isEmpty();
        assertThat(subscriber.pages).hasSize(1);
    }

    /** The real engine, with each pull's subscription held at a gate, to open the subscribe/close window. */
    static final class GatedPulls implements dev.eventsync.spi.transport.SyncService {
        final SyncEngine engine;
        final CountDownLatch atGate = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        GatedPulls(SyncEngine engine) {
            this.engine = engine;
        }

        @Override
        public java.util.concurrent.CompletionStage<dev.eventsync.spi.transport.AuthResult.Allowed> authorize(dev.eventsync.spi.transport.CallContext context) {
            return engine.authorize(context);
        }

        @Override
        public java.util.concurrent.CompletionStage<dev.eventsync.api.PushResult> push(
                dev.eventsync.spi.transport.CallContext context, List<dev.eventsync.api.Event> batch,
                Optional<String> backendId) {
            return engine.push(context, batch, backendId);
        }

        @Override
        public Flow.Publisher<PullPage> pull(dev.eventsync.spi.transport.CallContext context,
                                             Optional<dev.eventsync.api.PullCursor> cursor, boolean live) {
            Flow.Publisher<PullPage> real = engine.pull(context, cursor, live);
            return subscriber -> {
                atGate.countDown();
                SyncEngineReviewTest.await(open);
                real.subscribe(subscriber);
            };
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> ping(dev.eventsync.spi.transport.CallContext context) {
            return engine.ping(context);
        }

        @Override
        public java.util.concurrent.CompletionStage<Health> health() {
            return engine.health();
        }
    }

    @Test
    void aPullSubscribedWhileTheBackendClosesIsEndedToo() {
        GatedPulls gated = new GatedPulls(engine);
        LocalSyncBackend closing = new LocalSyncBackend(gated, StoreId.of("closing"));
        PullProbe probe = new PullProbe();
        Thread subscribing = new Thread(() -> closing.pull(Optional.empty(), true).subscribe(probe));
        subscribing.start();
        SyncEngineReviewTest.await(gated.atGate);
        closing.close();
        gated.open.countDown();
        probe.request(Long.MAX_VALUE);
        assertThat(SyncErrorException.errorOf(probe.awaitTermination().error()))
                .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unavailable.class));
        PullProbe.await(() -> engine.livePullCount() == 0, "no live pull left on the engine");
    }
}
