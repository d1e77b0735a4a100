package dev.eventsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.EventValidator;
import dev.eventsync.spi.transport.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyncEnginePushTest {

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final SyncEngine engine = SyncEngine.builder(store).build();
    private final StoreId s1 = StoreId.of("store-1");
    private final CallContext ctx = CallContext.local(s1);

    @AfterEach
    void stop() {
        engine.close();
    }

    static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }

    static SyncError errorOf(CompletionStage<?> stage) {
        Throwable failure = catchThrowable(() -> join(stage));
        assertThat(failure).as("expected the call to fail").isNotNull();
        return SyncErrorException.errorOf(failure).orElseThrow(() -> new AssertionError("untyped failure", failure));
    }

    private List<Event> all(StoreId id) {
        return store.read(id, 0, 1_000_000).stream().map(StoredEvent::event).toList();
    }

    @Test
    void appendsAChainedBatchAtTheHeadAndAdvancesTheHead() {
        PushResult result = join(engine.push(ctx, Events.chain(0, 3, "a"), Optional.empty()));
        assertThat(result).isEqualTo(new PushResult.Appended(3, 3));
        assertThat(store.head(s1)).isEqualTo(3);
        PushResult next = join(engine.push(ctx, Events.chain(3, 2, "a"), Optional.of(store.backendId(s1))));
        assertThat(next).isEqualTo(new PushResult.Appended(5, 2));
        assertThat(all(s1)).extracting(Event::seqNum).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void staleParentIsRejectedWithServerAheadCarryingHeadAndParent() {
        join(engine.push(ctx, Events.chain(0, 5, "a"), Optional.empty()));
        SyncError error = errorOf(engine.push(ctx, Events.chain(2, 1, "b"), Optional.empty()));
        assertThat(error).isEqualTo(new SyncError.ServerAhead(5, 2));
        SyncError ahead = errorOf(engine.push(ctx, Events.chain(9, 1, "b"), Optional.empty()));
        assertThat(ahead).isEqualTo(new SyncError.ServerAhead(5, 9));
        assertThat(all(s1)).hasSize(5);
    }

    @Test
    void gapsBetweenParentAndSeqNumAreAccepted() {
        List<Event> gap = List.of(Event.of("e", null, 100, 0, "c", "s"), Event.of("e", null, 101, 100, "c", "s"));
        assertThat(join(engine.push(ctx, gap, Optional.empty()))).isEqualTo(new PushResult.Appended(101, 2));
        assertThat(store.head(s1)).isEqualTo(101);
    }

    @Test
    void emptyBatchIsAckedAndChangesNothing() {
        join(engine.push(ctx, Events.chain(0, 2, "a"), Optional.empty()));
        assertThat(join(engine.push(ctx, List.of(), Optional.empty()))).isEqualTo(new PushResult.Empty(2));
        assertThat(all(s1)).hasSize(2);
    }

    @Test
    void retryOfAnAcceptedBatchSucceedsWithoutAppendingAndADifferentBatchOnTheSameParentIsServerAhead() {
        List<Event> batch = Events.chain(0, 3, "a");
        join(engine.push(ctx, batch, Optional.empty()));
        join(engine.push(ctx, Events.chain(3, 1, "a"), Optional.empty()));
        assertThat(join(engine.push(ctx, batch, Optional.empty()))).isEqualTo(new PushResult.AlreadyApplied(4));
        assertThat(all(s1)).hasSize(4);
        List<Event> other = Events.chain(0, 3, "b");
        assertThat(errorOf(engine.push(ctx, other, Optional.empty()))).isEqualTo(new SyncError.ServerAhead(4, 0));
        List<Event> prefixOnly = batch.subList(0, 2);
        assertThat(join(engine.push(ctx, prefixOnly, Optional.empty()))).isEqualTo(new PushResult.AlreadyApplied(4));
        assertThat(all(s1)).extracting(Event::clientId).containsOnly("a");
    }

    @Test
    void backendIdMismatchOnPushNamesBothIdsAndAppendsNothing() {
        String backendId = store.backendId(s1);
        SyncError error = errorOf(engine.push(ctx, Events.chain(0, 1, "a"), Optional.of("someone-else")));
        assertThat(error).isEqualTo(new SyncError.BackendIdMismatch(backendId, "someone-else"));
        assertThat(all(s1)).isEmpty();
    }

    @Test
    void badInputGetsATypedErrorAndAppendsNothing() {
        Event negative = Event.of("e", null, -1, -2, "c", "s");
        assertThat(errorOf(engine.push(ctx, List.of(negative), Optional.empty())))
                .isInstanceOfSatisfying(SyncError.InvalidBatch.class, e -> assertThat(e.index()).isEqualTo(0));
        List<Event> unchained = List.of(Event.of("e", null, 1, 0, "c", "s"), Event.of("e", null, 3, 2, "c", "s"));
        assertThat(errorOf(engine.push(ctx, unchained, Optional.empty())))
                .isInstanceOfSatisfying(SyncError.InvalidBatch.class, e -> assertThat(e.index()).isEqualTo(1));
        List<Event> descending = List.of(Event.of("e", null, 5, 0, "c", "s"), Event.of("e", null, 4, 5, "c", "s"));
        assertThat(errorOf(engine.push(ctx, descending, Optional.empty()))).isInstanceOf(SyncError.InvalidBatch.class);
        Event badArgs = Event.of("e", "{not json", 1, 0, "c", "s");
        assertThat(errorOf(engine.push(ctx, List.of(badArgs), Optional.empty()))).isInstanceOf(SyncError.InvalidBatch.class);
        assertThat(errorOf(engine.push(ctx, Events.chain(0, 101, "a"), Optional.empty())))
                .isEqualTo(new SyncError.LimitExceeded("maxPushEvents", 100, 101));
        List<Event> huge = List.of(Events.sized(1, 0, 950_000));
        assertThat(errorOf(engine.push(ctx, huge, Optional.empty())))
                .isInstanceOfSatisfying(SyncError.LimitExceeded.class, e -> assertThat(e.limit()).isEqualTo("maxPushBytes"));
        assertThat(catchThrowable(() -> StoreId.of(""))).isInstanceOfSatisfying(SyncErrorException.class,
                e -> assertThat(e.error()).isInstanceOf(SyncError.InvalidRequest.class));
        assertThat(catchThrowable(() -> StoreId.of("a/b"))).isInstanceOf(SyncErrorException.class);
        assertThat(all(s1)).isEmpty();
        assertThat(store.head(s1)).isZero();
        // and the store still works
        assertThat(join(engine.push(ctx, Events.chain(0, 1, "a"), Optional.empty()))).isEqualTo(new PushResult.Appended(1, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 64})
    void concurrentPushesOnTheSameParentAdmitExactlyOne(int clients) throws Exception {
        StoreId id = StoreId.of("race-" + clients);
        join(engine.push(CallContext.local(id), Events.chain(0, 2, "seed"), Optional.empty()));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Object>> outcomes = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String client = "client-" + c;
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    try {
                        return join(engine.push(CallContext.local(id), Events.chain(2, 3, client), Optional.empty()));
                    } catch (RuntimeException e) {
                        return SyncErrorException.errorOf(e).orElseThrow(() -> e);
                    }
                }, pool));
            }
            start.countDown();
            List<Object> results = outcomes.stream().map(CompletableFuture::join).toList();
            assertThat(results).filteredOn(r -> r instanceof PushResult.Appended).hasSize(1);
            assertThat(results).filteredOn(r -> r instanceof SyncError.ServerAhead).hasSize(clients - 1)
                    .allSatisfy(r -> assertThat(r).isEqualTo(new SyncError.ServerAhead(5, 2)));
            List<Event> log = all(id);
            assertThat(log).hasSize(5);
            String winner = log.get(2).clientId();
            assertThat(log.subList(2, 5)).extracting(Event::clientId).containsOnly(winner);
            PullProbe pull = PullProbe.unbounded();
            engine.pull(CallContext.local(id), Optional.of(PullCursor.after(2)), false).subscribe(pull);
            pull.awaitTermination();
            assertThat(pull.events()).extracting(StoredEvent::event).isEqualTo(Events.chain(2, 3, winner));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyStoresPushingAtOnceKeepTheirOwnLogsInOrder() {
        int stores = 24;
        int pushesPerStore = 30;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int s = 0; s < stores; s++) {
                StoreId id = StoreId.of("many-" + s);
                String client = "writer-" + s;
                writers.add(CompletableFuture.runAsync(() -> {
                    long head = 0;
                    for (int p = 0; p < pushesPerStore; p++) {
                        join(engine.push(CallContext.local(id), Events.chain(head, 2, client), Optional.empty()));
                        head += 2;
                    }
                }, pool));
            }
            writers.forEach(CompletableFuture::join);
            for (int s = 0; s < stores; s++) {
                StoreId id = StoreId.of("many-" + s);
                assertThat(all(id)).isEqualTo(Events.chain(0, 2 * pushesPerStore, "writer-" + s));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void authenticatorDenialIsUnauthorizedAndAppendsNothing() {
        try (SyncEngine guarded = SyncEngine.builder(store)
                .authenticator(c -> c.header("authorization").filter("Bearer good"::equals).isPresent()
                        ? AuthResult.allow("alice") : AuthResult.deny("missing or wrong bearer token"))
                .build()) {
            SyncError error = errorOf(guarded.push(ctx, Events.chain(0, 1, "a"), Optional.empty()));
            assertThat(error).isEqualTo(new SyncError.Unauthorized("missing or wrong bearer token"));
            CallContext good = new CallContext(s1, Optional.empty(), Map.of("Authorization", List.of("Bearer good")),
                    Optional.empty(), "test", Optional.empty());
            assertThat(join(guarded.push(good, Events.chain(0, 1, "a"), Optional.empty())))
                    .isInstanceOf(PushResult.Appended.class);
            PullProbe denied = PullProbe.unbounded();
            guarded.pull(ctx, Optional.empty(), false).subscribe(denied);
            assertThat(SyncErrorException.errorOf(denied.awaitTermination().error()))
                    .contains(new SyncError.Unauthorized("missing or wrong bearer token"));
            assertThat(denied.pages).isEmpty();
        }
        assertThat(all(s1)).hasSize(1);
    }

    @Test
    void interceptorRejectionNamesTheEventAndValidatorFailureIsAnInvalidBatch() {
        EventValidator needsId = new EventValidator() {
            @Override
            public Set<String> eventNames() {
                return Set.of("todoCreated-v1");
            }

            @Override
            public Verdict validate(Event event) {
                return event.args().orElse("").contains("\"id\"") ? Verdict.accept() : Verdict.reject("args.id is required");
            }
        };
        try (SyncEngine hooked = SyncEngine.builder(store)
                .pushInterceptor((c, e) -> e.name().equals("banned-v1") ? Verdict.reject("banned event") : Verdict.accept())
                .eventValidator(needsId)
                .build()) {
            List<Event> withBanned = List.of(Event.of("ok-v1", null, 1, 0, "c", "s"),
                    Event.of("banned-v1", "{}", 2, 1, "c", "s"));
            assertThat(errorOf(hooked.push(ctx, withBanned, Optional.empty())))
                    .isEqualTo(new SyncError.Rejected(1, 2, "banned-v1", "banned event"));
            List<Event> noId = List.of(Event.of("todoCreated-v1", "{\"text\":\"x\"}", 1, 0, "c", "s"));
            assertThat(errorOf(hooked.push(ctx, noId, Optional.empty())))
                    .isInstanceOfSatisfying(SyncError.InvalidBatch.class, e -> {
                        assertThat(e.index()).isZero();
                        assertThat(e.reason()).contains("todoCreated-v1").contains("args.id is required");
                    });
            assertThat(all(s1)).isEmpty();
            List<Event> fine = List.of(Event.of("todoCreated-v1", "{\"id\":\"1\"}", 1, 0, "c", "s"));
            assertThat(join(hooked.push(ctx, fine, Optional.empty()))).isEqualTo(new PushResult.Appended(1, 1));
        }
    }

    @Test
    void argsRoundTripByteForByte() {
        String args = "{ \"text\" : \"caf\\u00e9 \u2603 \\\"q\\\"\", \"n\": 1.50e3, \"deep\": [[{\"x\": null}]] }";
        List<Event> batch = List.of(Event.of("e", args, 1, 0, "c", "s"), Event.of("e", null, 2, 1, "c", "s"));
        join(engine.push(ctx, batch, Optional.empty()));
        PullProbe pull = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), false).subscribe(pull);
        pull.awaitTermination();
        assertThat(pull.events()).extracting(e -> e.event().args())
                .containsExactly(Optional.of(args), Optional.empty());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void limitsAreConfigurable() {
        try (SyncEngine strict = SyncEngine.builder(store).limits(SyncLimits.defaults().withMaxPushEvents(2)).build()) {
            assertThat(errorOf(strict.push(ctx, Events.chain(0, 3, "a"), Optional.empty())))
                    .isEqualTo(new SyncError.LimitExceeded("maxPushEvents", 2, 3));
        }
    }
}
