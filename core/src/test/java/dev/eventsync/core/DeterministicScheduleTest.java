package dev.eventsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine on an injected executor that runs nothing by itself: the test picks, with a seeded random, which
 * queued task runs next, on the test thread. Every order is one a real pool could produce, so each seed is one
 * reproducible concurrent history of racing pushes and a live pull.
 */
class DeterministicScheduleTest {

    private static final StoreId STORE = StoreId.of("schedule");
    private static final CallContext CTX = CallContext.local(STORE);

    /** An executor that only queues; the test runs the tasks in the order it chooses. */
    static final class ManualExecutor extends AbstractExecutorService {
        final List<Runnable> queued = new ArrayList<>();
        boolean refuse;
        private boolean shutdown;

        @Override
        public void execute(Runnable task) {
            if (refuse || shutdown) {
                throw new RejectedExecutionException(shutdown ? "shut down" : "full");
            }
            queued.add(task);
        }

        /** Runs queued tasks, each picked by {@code random}, until none is left; returns how many ran. */
        int runAll(Random random) {
            int ran = 0;
            while (!queued.isEmpty()) {
                queued.remove(random.nextInt(queued.size())).run();
                ran++;
            }
            return ran;
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            List<Runnable> left = new ArrayList<>(queued);
            queued.clear();
            return left;
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && queued.isEmpty();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return queued.isEmpty();
        }
    }

    /** A live pull that records every event it receives, with unbounded demand. */
    static final class Recorder implements Flow.Subscriber<PullPage> {
        final List<Event> received = new ArrayList<>();
        Throwable failure;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(PullPage page) {
            page.batch().forEach(e -> received.add(e.event()));
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onComplete() {
        }
    }

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 40; s++) {
            seeds.add(s * 7919);
        }
        return seeds;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void racingPushesOnOneParentAppendOnceAndTheLivePullSeesTheLogBeforeTheAck(long seed) {
        Random random = new Random(seed);
        ManualExecutor executor = new ManualExecutor();
        InMemoryEventStore storage = new InMemoryEventStore();
        SyncEngine engine = SyncEngine.builder(storage).executor(executor).build();
        Recorder live = new Recorder();
        engine.pull(CTX, Optional.empty(), true).subscribe(live);
        executor.runAll(random);

        long head = 0;
        List<Event> log = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            int racers = 2 + random.nextInt(3);
            List<List<Event>> batches = new ArrayList<>();
            List<CompletableFuture<PushResult>> acks = new ArrayList<>();
            int[] seenAtAck = new int[racers];
            for (int r = 0; r < racers; r++) {
                List<Event> batch = Events.chain(head, 1 + random.nextInt(3), "round" + round + "-racer" + r);
                batches.add(batch);
                int index = r;
                acks.add(engine.push(CTX, batch, Optional.empty()).toCompletableFuture()
                        .whenComplete((ok, failure) -> seenAtAck[index] = live.received.size()));
            }
            executor.runAll(random);

            int winner = -1;
            for (int r = 0; r < racers; r++) {
                CompletableFuture<PushResult> ack = acks.get(r);
                assertThat(ack).as("seed %d round %d racer %d is answered", seed, round, r).isDone();
                if (!ack.isCompletedExceptionally()) {
                    assertThat(winner).as("seed %d round %d: a second push on parent %d won", seed, round, head)
                            .isEqualTo(-1);
                    winner = r;
                }
            }
            assertThat(winner).as("seed %d round %d: one push on parent %d wins", seed, round, head)
                    .isGreaterThanOrEqualTo(0);
            List<Event> won = batches.get(winner);
            long newHead = won.get(won.size() - 1).seqNum();
            assertThat(acks.get(winner).join()).isEqualTo(new PushResult.Appended(newHead, won.size()));
            log.addAll(won);
            assertThat(seenAtAck[winner]).as("seed %d: the live pull had the batch before its ack", seed)
                    .isEqualTo(log.size());
            for (int r = 0; r < racers; r++) {
                if (r != winner) {
                    long parent = head;
                    assertThat(SyncErrorException.errorOf(acks.get(r).handle((ok, failure) -> failure).join()))
                            .contains(new SyncError.ServerAhead(newHead, parent));
                }
            }
            head = newHead;
        }
        assertThat(storage.read(STORE, 0, 1000).stream().map(StoredEvent::event).toList()).isEqualTo(log);
        assertThat(live.received).as("seed %d: the live pull saw the log, once and in order", seed).isEqualTo(log);
        assertThat(live.failure).isNull();
        engine.shutdown(java.time.Duration.ZERO);
        assertThat(live.failure).isInstanceOf(SyncErrorException.class);
    }

    @Test
    void anExecutorThatRefusesWorkAnswersUnavailable() {
        ManualExecutor executor = new ManualExecutor();
        SyncEngine engine = SyncEngine.builder(new InMemoryEventStore()).executor(executor).build();
        executor.refuse = true;
        CompletableFuture<PushResult> push = engine.push(CTX, Events.chain(0, 1, "c"), Optional.empty())
                .toCompletableFuture();
        assertThat(push).isCompletedExceptionally();
        assertThat(SyncErrorException.errorOf(push.handle((ok, failure) -> failure).join()))
                .contains(new SyncError.Unavailable("the server is overloaded"));
        executor.refuse = false;
        engine.shutdown(java.time.Duration.ZERO);
    }
}
