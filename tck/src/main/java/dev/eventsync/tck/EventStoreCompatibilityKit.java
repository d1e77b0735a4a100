package dev.eventsync.tck;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.property.FailingBatch;
import dev.eventsync.tck.property.Gen;
import dev.eventsync.tck.property.Shrinker;
import dev.eventsync.tck.property.StorageHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The storage compatibility kit: every {@code S-*} rule of {@link Rule} as a JUnit 5 test against an
 * {@link EventStore}. A provider certifies its store with a subclass in its own test sources:
 *
 * <pre>{@code
 * class MyEventStoreCompatibilityTest extends EventStoreCompatibilityKit {
 *     @Override protected EventStore newStore() { return new MyEventStore(...); }
 * }
 * }</pre>
 *
 * <p>The kit uses fresh random store ids for every try, so a store over a shared database is fine.
 * Capabilities are hooks: {@link #durable()} with {@link #reopen(EventStore)} for durability across a
 * restart (default: not durable, so S-DURABLE-01 is skipped with that reason), and
 * {@link #concurrency()} for the number of racing threads. A certification report is written to
 * {@code target/eventsync-tck/}.
 */
@ExtendWith(CertificationReport.class)
public abstract class EventStoreCompatibilityKit {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.001Z");

    private final List<EventStore> opened = new ArrayList<>();
    private final AtomicInteger clock = new AtomicInteger();

    /** A fresh store for one try (it may share a database with others: the kit uses fresh store ids). */
    protected abstract EventStore newStore() throws Exception;

    /** Whether the store keeps its data across {@code close()} and {@link #reopen(EventStore)}. */
    protected boolean durable() {
        return false;
    }

    /** A new instance over the same data as {@code closed}, which the kit has just closed. Needed when {@link #durable()}. */
    protected EventStore reopen(EventStore closed) throws Exception {
        throw new UnsupportedOperationException("durable() is true but reopen() is not overridden");
    }

    /** How many threads race in the concurrency rules. */
    protected int concurrency() {
        return 4;
    }

    /** Tries per property rule: {@code -Deventsync.tck.tries} or this default. */
    protected int tries() {
        return KitSettings.tries(30);
    }

    /** The profile certified: {@code -Deventsync.tck.profile} or eventsync. Rules of other profiles are skipped. */
    protected Rule.Profile profile() {
        return KitSettings.profile();
    }

    @org.junit.jupiter.api.BeforeEach
    final void skipRulesOfOtherProfiles(org.junit.jupiter.api.TestInfo test) {
        test.getTestMethod().flatMap(m -> Rule.ofMethodName(m.getName())).ifPresent(rule ->
                Assumptions.assumeTrue(profile().includes(rule), rule.id() + " checks a promise of profile "
                        + rule.profile().label() + " (" + rule.profileBasis() + "); certifying profile " + profile().label()));
    }

    @AfterEach
    final void closeStores() {
        for (EventStore store : opened) {
            store.close();
        }
        opened.clear();
    }

    private EventStore open() throws Exception {
        EventStore store = newStore();
        opened.add(store);
        return store;
    }

    private static StoreId freshId(String label) {
        return StoreId.of("tck-" + label + "-" + new Gen(System.nanoTime() ^ KitSettings.mix(Thread.currentThread().getId())).word(10));
    }

    private Instant nextInstant() {
        return T0.plusMillis(clock.incrementAndGet());
    }

    private static List<Event> chain(long parent, int count, String client) {
        return Gen.simpleChain(parent, count, client, client + "-" + parent);
    }

    private AppendResult append(Trial t, EventStore store, StoreId id, long expectedHead, List<Event> batch, Instant at) {
        AppendResult result = store.append(id, expectedHead, batch, at);
        t.step("append(" + id + ", expectedHead " + expectedHead + ", " + Describe.batch(batch) + ") -> " + result);
        return result;
    }

    private static List<StoredEvent> stored(List<Event> batch, Instant at) {
        return batch.stream().map(e -> new StoredEvent(e, at)).toList();
    }

    private List<StoredEvent> readAll(EventStore store, StoreId id) {
        return store.read(id, 0, Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------------------------------ rules

    @Test
    public void required_S_EMPTY_01_unknownStoreIsEmpty() throws Exception {
        Trial t = Trial.fixed(Rule.S_EMPTY_01);
        EventStore store = open();
        StoreId id = freshId("empty");
        t.step("fresh store " + id);
        t.checkEqual("head of a store never written", 0L, store.head(id));
        t.checkEqual("read(after 0) of a store never written", List.of(), store.read(id, 0, 100));
        t.checkEqual("countAfter(0) of a store never written", 0L, store.countAfter(id, 0));
        String backendId = store.backendId(id);
        t.check(backendId != null && !backendId.isBlank(), "backendId of a new store", "a non-blank id", backendId);
    }

    @Test
    public void required_S_EMPTY_02_readsNeverCreateAStore() throws Exception {
        Trial t = Trial.fixed(Rule.S_EMPTY_02);
        EventStore store = open();
        StoreId id = freshId("unwritten");
        t.step("reads of the fresh store " + id);
        store.head(id);
        String backendId = store.backendId(id);
        store.read(id, 0, 100);
        store.countAfter(id, 0);
        store.countAfter(id, 5);
        t.checkEqual("backendId of the unwritten store on a second call", backendId, store.backendId(id));
        t.check(store.stores().stream().noneMatch(info -> info.storeId().equals(id)),
                "stores() after reads of " + id, "not listed", store.stores());
        append(t, store, id, 0, chain(0, 2, "a"), nextInstant());
        t.checkEqual("backendId after the first append (the one the empty store answered)", backendId,
                store.backendId(id));
        t.check(store.stores().stream().anyMatch(info -> info.storeId().equals(id) && info.head() == 2),
                "stores() after the first append to " + id, "listed with head 2", store.stores());
    }

    @Test
    public void required_S_APPEND_01_appendAtHeadIsAccepted() throws Exception {
        Trial t = Trial.fixed(Rule.S_APPEND_01);
        EventStore store = open();
        StoreId id = freshId("append1");
        List<Event> first = chain(0, 3, "a");
        Instant at1 = nextInstant();
        t.checkEqual("append at the root", new AppendResult.Appended(3), append(t, store, id, 0, first, at1));
        t.checkEqual("head after the append", 3L, store.head(id));
        List<Event> second = Gen.simpleChain(3, 2, "b", "b");
        Instant at2 = nextInstant();
        t.checkEqual("append at the new head", new AppendResult.Appended(5), append(t, store, id, 3, second, at2));
        t.checkEqual("head after the second append", 5L, store.head(id));
        List<StoredEvent> expected = new ArrayList<>(stored(first, at1));
        expected.addAll(stored(second, at2));
        t.checkEqual("events after two appends", expected, readAll(store, id));
    }

    @Test
    public void required_S_APPEND_02_staleAppendIsRefusedWithActualHead() throws Exception {
        Trial t = Trial.fixed(Rule.S_APPEND_02);
        EventStore store = open();
        StoreId id = freshId("append2");
        Instant at = nextInstant();
        append(t, store, id, 0, chain(0, 4, "a"), at);
        for (long stale : new long[] {0, 2, 3}) {
            AppendResult result = append(t, store, id, stale, chain(stale, 1, "stale" + stale), nextInstant());
            t.checkEqual("append at stale head " + stale, new AppendResult.HeadMismatch(4), result);
        }
        t.checkEqual("head after refused appends", 4L, store.head(id));
        t.checkEqual("events after refused appends", stored(chain(0, 4, "a"), at), readAll(store, id));
        t.checkEqual("countAfter(0) after refused appends", 4L, store.countAfter(id, 0));
    }

    @Test
    public void required_S_APPEND_03_appendAheadOfHeadIsRefusedWithActualHead() throws Exception {
        Trial t = Trial.fixed(Rule.S_APPEND_03);
        EventStore store = open();
        StoreId id = freshId("append3");
        AppendResult onEmpty = append(t, store, id, 5, chain(5, 2, "ahead"), nextInstant());
        t.checkEqual("append at 5 on an empty store", new AppendResult.HeadMismatch(0), onEmpty);
        t.checkEqual("head after the refused append", 0L, store.head(id));
        Instant at = nextInstant();
        append(t, store, id, 0, chain(0, 2, "a"), at);
        AppendResult ahead = append(t, store, id, 3, chain(3, 1, "ahead2"), nextInstant());
        t.checkEqual("append at 3 when the head is 2", new AppendResult.HeadMismatch(2), ahead);
        t.checkEqual("events after refused appends", stored(chain(0, 2, "a"), at), readAll(store, id));
    }

    @Test
    public void required_S_ATOMIC_01_failedAppendLeavesNothing() throws Exception {
        Trial t = Trial.fixed(Rule.S_ATOMIC_01);
        EventStore store = open();
        StoreId id = freshId("atomic");
        Instant at = nextInstant();
        append(t, store, id, 0, chain(0, 2, "a"), at);
        for (int failAt : new int[] {1, 3, 5}) {
            List<Event> batch = chain(2, 6, "fail" + failAt);
            try {
                AppendResult result = store.append(id, 2, new FailingBatch(batch, failAt), nextInstant());
                t.step("append(expectedHead 2, " + Describe.batch(batch) + " failing at event #" + failAt + ") -> " + result);
                throw t.violation("an append whose batch fails at event #" + failAt + " returned normally",
                        "the exception to propagate (nothing appended)", result);
            } catch (RuntimeException e) {
                t.step("append(expectedHead 2, " + Describe.batch(batch) + " failing at event #" + failAt + ") -> threw " + e);
            }
            t.checkEqual("head after the failed append", 2L, store.head(id));
            t.checkEqual("events after the failed append", stored(chain(0, 2, "a"), at), readAll(store, id));
            t.checkEqual("countAfter(0) after the failed append", 2L, store.countAfter(id, 0));
        }
        List<Event> next = chain(2, 2, "after");
        t.checkEqual("the next append at the old head", new AppendResult.Appended(4), append(t, store, id, 2, next, nextInstant()));
    }

    @Test
    public void required_S_READ_01_readReturnsEventsAfterCursorInOrder() throws Exception {
        Trial t = Trial.fixed(Rule.S_READ_01);
        EventStore store = open();
        StoreId id = freshId("read");
        List<StoredEvent> log = new ArrayList<>();
        long head = 0;
        for (int i = 0; i < 4; i++) {
            Instant at = nextInstant();
            List<Event> batch = new Gen(i).chain(head, 3, 4, "c" + i, "s" + i, "read" + i);
            append(t, store, id, head, batch, at);
            log.addAll(stored(batch, at));
            head = batch.get(batch.size() - 1).seqNum();
        }
        List<Long> cursors = new ArrayList<>(List.of(0L, head, head + 10));
        for (StoredEvent e : log) {
            cursors.add(e.seqNum());
            cursors.add(e.seqNum() - 1);
        }
        for (long after : cursors) {
            for (int limit : new int[] {1, 2, 5, 1000}) {
                List<StoredEvent> expected = log.stream().filter(e -> e.seqNum() > after).limit(limit).toList();
                List<StoredEvent> actual = store.read(id, after, limit);
                if (!expected.equals(actual)) {
                    t.step("read(after " + after + ", limit " + limit + ") -> " + Describe.stored(actual));
                    throw t.violation("read(after " + after + ", limit " + limit + ")",
                            Describe.stored(expected) + " " + expected, Describe.stored(actual) + " " + actual);
                }
            }
        }
    }

    @Test
    public void required_S_READ_02_pagingYieldsEveryEventOnce() throws Exception {
        EventStore store = open();
        for (int i = 0; i < tries(); i++) {
            long seed = KitSettings.seedOf(Rule.S_READ_02, i);
            Trial t = new Trial(Rule.S_READ_02, OptionalLong.of(seed));
            Gen gen = new Gen(seed);
            StoreId id = freshId("paging");
            List<StoredEvent> log = new ArrayList<>();
            long head = 0;
            int batches = gen.between(1, 6);
            for (int b = 0; b < batches; b++) {
                Instant at = nextInstant();
                List<Event> batch = gen.chain(head, gen.between(1, 12), 3, "c", "s", "p" + b);
                append(t, store, id, head, batch, at);
                log.addAll(stored(batch, at));
                head = batch.get(batch.size() - 1).seqNum();
            }
            int pageSize = gen.between(1, 7);
            long start = gen.chance(0.5) ? 0 : gen.betweenLong(0, head);
            List<StoredEvent> collected = new ArrayList<>();
            long cursor = start;
            for (int guard = 0; guard < log.size() + 2; guard++) {
                List<StoredEvent> page = store.read(id, cursor, pageSize);
                t.step("read(after " + cursor + ", limit " + pageSize + ") -> " + Describe.stored(page));
                if (page.isEmpty()) {
                    break;
                }
                collected.addAll(page);
                cursor = page.get(page.size() - 1).seqNum();
            }
            final long from = start;
            List<StoredEvent> expected = log.stream().filter(e -> e.seqNum() > from).toList();
            t.checkEqual("events collected page by page from " + start + " with pages of " + pageSize,
                    Describe.stored(expected), Describe.stored(collected));
            t.checkEqual("events collected page by page (full values)", expected, collected);
        }
    }

    @Test
    public void required_S_COUNT_01_countAfterIsExact() throws Exception {
        EventStore store = open();
        for (int i = 0; i < tries(); i++) {
            long seed = KitSettings.seedOf(Rule.S_COUNT_01, i);
            Trial t = new Trial(Rule.S_COUNT_01, OptionalLong.of(seed));
            Gen gen = new Gen(seed);
            StoreId id = freshId("count");
            List<Long> seqNums = new ArrayList<>();
            long head = 0;
            for (int b = gen.between(0, 4); b > 0; b--) {
                List<Event> batch = gen.chain(head, gen.between(1, 8), 5, "c", "s", "n" + b);
                append(t, store, id, head, batch, nextInstant());
                batch.forEach(e -> seqNums.add(e.seqNum()));
                head = batch.get(batch.size() - 1).seqNum();
            }
            for (long after = 0; after <= head + 3; after++) {
                final long a = after;
                long expected = seqNums.stream().filter(s -> s > a).count();
                long actual = store.countAfter(id, after);
                if (expected != actual) {
                    t.step("countAfter(" + after + ") -> " + actual);
                    throw t.violation("countAfter(" + after + ") with seqNums " + Describe.seqNums(seqNums), expected, actual);
                }
            }
        }
    }

    @Test
    public void required_S_ARGS_01_argsRoundTripByteForByte() throws Exception {
        Trial t = Trial.fixed(Rule.S_ARGS_01);
        EventStore store = open();
        StoreId id = freshId("args");
        List<Optional<String>> samples = new ArrayList<>();
        Gen.TRICKY_ARGS.forEach(a -> samples.add(Optional.of(a)));
        samples.add(Optional.empty());
        samples.add(Optional.of(Gen.sizedArgs("large", 300_000)));
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            batch.add(new Event("argsCheck-v1", samples.get(i), i + 1, i, "client-\u00e9\ud83c\udf89", "session-1"));
        }
        Instant at = nextInstant();
        append(t, store, id, 0, batch, at);
        List<StoredEvent> back = readAll(store, id);
        t.checkEqual("number of events read back", batch.size(), back.size());
        for (int i = 0; i < batch.size(); i++) {
            Optional<String> sent = batch.get(i).args();
            Optional<String> got = back.get(i).event().args();
            t.checkEqual("args of event " + (i + 1) + " (sent " + sent.map(s -> s.length() + " chars").orElse("absent") + ")", sent, got);
            t.checkEqual("event " + (i + 1) + " as a whole", batch.get(i), back.get(i).event());
            t.checkEqual("accept time of event " + (i + 1), at, back.get(i).createdAt());
        }
    }

    @Test
    public void required_S_TEXT_01_everyFieldRoundTripsByteForByte() throws Exception {
        Trial t = Trial.fixed(Rule.S_TEXT_01);
        EventStore store = open();
        StoreId id = freshId("text");
        List<String> texts = List.of(
                "v1.Note\ud83d\ude00\ud800\udc00\udbff\udfff",    // 4-byte characters, first and last plane
                "e\u0301 \u00e9 \u0130 \u212b \ufb01",              // combining and compatibility forms, kept as sent
                "ctl\u0001\u0007\b\t\n\r\u001f\u007f\u0085",     // control characters other than NUL
                "\u200b\u200d\u2028\u2029\ufeff\ufffd\uffff",      // format characters, BOM, noncharacter
                "sp  a ce ",                                            // whitespace kept
                "\u4e2d\u6587\u0639\u0631\u0628\u064a",            // CJK, right-to-left
                "x".repeat(dev.eventsync.api.PushRules.MAX_TEXT_CHARS - 2) + "\ud83c\udf89"); // longest, ending on a pair
        List<String> args = List.of(
                "{\"nul\":\"a\\u0000b\"}",
                "[\"\\ud800\",\"\\udfff\",\"\\ud83d\\ude00\"]",
                "\"\\u00E9\\u00e9\u00e9\"",
                "{\"n\":9007199254740993,\"f\":1E400,\"z\":-0.0}");
        List<Event> batch = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < texts.size(); i++) {
            long parent = seq;
            seq = parent + 1 + i * 1_000_000_000_000L;
            batch.add(new Event(texts.get(i), Optional.of(args.get(i % args.size())), seq, parent,
                    texts.get((i + 1) % texts.size()), texts.get((i + 2) % texts.size())));
        }
        long max = dev.eventsync.api.SeqNums.MAX_SAFE_INTEGER;
        batch.add(new Event("max", Optional.empty(), max, seq, "c", "s"));
        Instant at = nextInstant();
        append(t, store, id, 0, batch, at);
        t.checkEqual("head after appending seqNum 2^53-1", max, store.head(id));
        List<StoredEvent> back = readAll(store, id);
        t.checkEqual("number of events read back", batch.size(), back.size());
        for (int i = 0; i < Math.min(batch.size(), back.size()); i++) {
            Event sent = batch.get(i);
            Event got = back.get(i).event();
            t.checkEqual("name of event #" + i, sent.name(), got.name());
            t.checkEqual("clientId of event #" + i, sent.clientId(), got.clientId());
            t.checkEqual("sessionId of event #" + i, sent.sessionId(), got.sessionId());
            t.checkEqual("args of event #" + i, sent.args(), got.args());
            t.checkEqual("event #" + i + " as a whole", sent, got);
        }
    }

    @Test
    public void required_S_BACKENDID_01_backendIdIsStableAndPerStore() throws Exception {
        Trial t = Trial.fixed(Rule.S_BACKENDID_01);
        EventStore store = open();
        StoreId a = freshId("bid");
        StoreId b = freshId("bid");
        String first = store.backendId(a);
        t.step("backendId(" + a + ") -> " + first);
        t.check(first != null && !first.isBlank(), "backendId of a new store", "non-blank", first);
        append(t, store, a, 0, chain(0, 2, "a"), nextInstant());
        t.checkEqual("backendId after an append", first, store.backendId(a));
        t.checkEqual("backendId on a later call", first, store.backendId(a));
        String other = store.backendId(b);
        t.step("backendId(" + b + ") -> " + other);
        t.check(!first.equals(other), "backendIds of two stores", "different ids", first + " and " + other);
    }

    @Test
    public void required_S_RESET_01_resetEmptiesStoreWithNewBackendId() throws Exception {
        Trial t = Trial.fixed(Rule.S_RESET_01);
        EventStore store = open();
        forgetOneOfTwo(t, store, "reset", store::reset, (forgotten, other) -> { });
    }

    @Test
    public void required_S_DELETE_01_deleteForgetsTheStoreEntirely() throws Exception {
        Trial t = Trial.fixed(Rule.S_DELETE_01);
        EventStore store = open();
        forgetOneOfTwo(t, store, "delete",
                id -> t.checkEqual("delete of an existing store reports it existed", true, store.delete(id)),
                (forgotten, other) -> {
                    Set<StoreId> listed = new HashSet<>();
                    store.stores().forEach(info -> listed.add(info.storeId()));
                    t.check(!listed.contains(forgotten), "stores() after delete", "no " + forgotten, listed);
                    t.check(listed.contains(other), "stores() after delete", "still " + other, listed);
                });
        StoreId never = freshId("delete");
        t.checkEqual("delete of a store never used reports it did not exist", false, store.delete(never));
        t.step("delete(" + never + ")");
        Set<StoreId> afterUnknown = new HashSet<>();
        store.stores().forEach(info -> afterUnknown.add(info.storeId()));
        t.check(!afterUnknown.contains(never), "stores() after deleting an unknown store", "no " + never, afterUnknown);
    }

    /**
     * What S-RESET-01 and S-DELETE-01 share: of two written stores, {@code forget} empties one, which then reads
     * as empty, gets a new backendId and takes an append at the root, while the other keeps its events and
     * backendId. {@code whileForgotten} (given the forgotten store and the other one) checks more before the
     * forgotten store is used again.
     */
    private void forgetOneOfTwo(Trial t, EventStore store, String what, java.util.function.Consumer<StoreId> forget,
                                java.util.function.BiConsumer<StoreId, StoreId> whileForgotten) {
        StoreId id = freshId(what);
        StoreId other = freshId(what);
        append(t, store, id, 0, chain(0, 3, "a"), nextInstant());
        Instant atOther = nextInstant();
        append(t, store, other, 0, chain(0, 2, "o"), atOther);
        String before = store.backendId(id);
        String otherBefore = store.backendId(other);
        forget.accept(id);
        t.step(what + "(" + id + ")");
        whileForgotten.accept(id, other);
        t.checkEqual("head after " + what, 0L, store.head(id));
        t.checkEqual("events after " + what, List.of(), readAll(store, id));
        t.checkEqual("countAfter(0) after " + what, 0L, store.countAfter(id, 0));
        String after = store.backendId(id);
        t.check(!after.equals(before) && !after.isBlank(), "backendId after " + what, "a new id, not " + before,
                after);
        t.checkEqual("the other store's backendId", otherBefore, store.backendId(other));
        t.checkEqual("the other store's events", stored(chain(0, 2, "o"), atOther), readAll(store, other));
        t.checkEqual("an append at the root after " + what, new AppendResult.Appended(1),
                append(t, store, id, 0, chain(0, 1, "again"), nextInstant()));
    }

    @Test
    public void required_S_ISO_01_storesAreIndependent() throws Exception {
        Trial t = Trial.fixed(Rule.S_ISO_01);
        EventStore store = open();
        StoreId a = freshId("iso");
        StoreId b = StoreId.of(a.value() + "b");
        StoreId c = StoreId.of(a.value() + "_");
        Instant atA = nextInstant();
        append(t, store, a, 0, chain(0, 3, "a"), atA);
        t.checkEqual("head of " + b + " after appends to " + a, 0L, store.head(b));
        t.checkEqual("events of " + b, List.of(), readAll(store, b));
        t.checkEqual("countAfter(0) of " + c, 0L, store.countAfter(c, 0));
        Instant atB = nextInstant();
        t.checkEqual("append at the root of " + b, new AppendResult.Appended(2), append(t, store, b, 0, chain(0, 2, "b"), atB));
        t.checkEqual("events of " + a, stored(chain(0, 3, "a"), atA), readAll(store, a));
        t.checkEqual("events of " + b, stored(chain(0, 2, "b"), atB), readAll(store, b));
        store.reset(b);
        t.step("reset(" + b + ")");
        t.checkEqual("events of " + a + " after resetting " + b, stored(chain(0, 3, "a"), atA), readAll(store, a));
        t.checkEqual("head of " + a + " after resetting " + b, 3L, store.head(a));
        Set<StoreId> listed = new HashSet<>();
        store.stores().forEach(info -> listed.add(info.storeId()));
        t.check(listed.contains(a), "stores() lists a store that was written", "contains " + a, listed);
    }

    @Test
    public void required_S_LARGE_01_largeBatchesAreStoredWhole() throws Exception {
        Trial t = Trial.fixed(Rule.S_LARGE_01);
        EventStore store = open();
        StoreId many = freshId("large-many");
        List<Event> thousand = chain(0, 1000, "many");
        Instant at = nextInstant();
        t.checkEqual("append of 1 000 events", new AppendResult.Appended(1000), append(t, store, many, 0, thousand, at));
        t.checkEqual("events read back", stored(thousand, at), readAll(store, many));
        StoreId big = freshId("large-big");
        List<StoredEvent> expected = new ArrayList<>();
        long head = 0;
        for (int b = 0; b < 10; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long seq = head + 1;
                batch.add(new Event("blob-v1", Optional.of(Gen.sizedArgs("b" + seq, 120_000)), seq, head, "big", "s"));
                head = seq;
            }
            Instant bt = nextInstant();
            t.checkEqual("append of 6 events of 120 000 bytes", new AppendResult.Appended(head),
                    append(t, store, big, head - 6, batch, bt));
            expected.addAll(stored(batch, bt));
        }
        List<StoredEvent> back = readAll(store, big);
        t.checkEqual("seqNums read back", Describe.stored(expected), Describe.stored(back));
        t.check(expected.equals(back), "60 large events read back", "equal to what was appended", "different events");
    }

    @Test
    public void required_S_CONC_01_exactlyOneConcurrentAppenderWinsPerHead() throws Exception {
        EventStore store = open();
        int threads = Math.max(2, concurrency());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < Math.max(1, tries() / 4); i++) {
                long seed = KitSettings.seedOf(Rule.S_CONC_01, i);
                Trial t = new Trial(Rule.S_CONC_01, OptionalLong.of(seed));
                Gen gen = new Gen(seed);
                StoreId id = freshId("race");
                List<StoredEvent> log = new ArrayList<>();
                for (int round = 0; round < 8; round++) {
                    long head = log.isEmpty() ? 0 : log.get(log.size() - 1).seqNum();
                    CyclicBarrier start = new CyclicBarrier(threads);
                    List<List<Event>> batches = new ArrayList<>();
                    List<Future<AppendResult>> results = new ArrayList<>();
                    Instant at = nextInstant();
                    for (int k = 0; k < threads; k++) {
                        List<Event> batch = gen.chain(head, gen.between(1, 4), 2, "racer" + k, "r" + round, "r" + round + "k" + k);
                        batches.add(batch);
                        results.add(pool.submit(() -> {
                            start.await(10, TimeUnit.SECONDS);
                            return store.append(id, head, batch, at);
                        }));
                    }
                    int winner = -1;
                    List<AppendResult> outcomes = new ArrayList<>();
                    for (Future<AppendResult> f : results) {
                        outcomes.add(f.get(30, TimeUnit.SECONDS));
                    }
                    t.step("round " + round + ": " + threads + " appends at head " + head + " -> " + outcomes);
                    for (int k = 0; k < threads; k++) {
                        if (outcomes.get(k) instanceof AppendResult.Appended) {
                            t.check(winner < 0, "appends accepted at head " + head, "exactly one", "racers " + winner + " and " + k);
                            winner = k;
                        }
                    }
                    t.check(winner >= 0, "appends accepted at head " + head, "exactly one", "none");
                    List<Event> won = batches.get(winner);
                    long newHead = won.get(won.size() - 1).seqNum();
                    t.checkEqual("the winner's result", new AppendResult.Appended(newHead), outcomes.get(winner));
                    for (int k = 0; k < threads; k++) {
                        if (k != winner) {
                            t.checkEqual("racer " + k + "'s result", new AppendResult.HeadMismatch(newHead), outcomes.get(k));
                        }
                    }
                    log.addAll(stored(won, at));
                    t.checkEqual("the log after round " + round, Describe.stored(log), Describe.stored(readAll(store, id)));
                }
                t.checkEqual("the log after all rounds", log, readAll(store, id));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void required_S_CONC_02_readersNeverSeePartialBatches() throws Exception {
        EventStore store = open();
        int readers = Math.max(1, concurrency() - 1);
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            for (int i = 0; i < Math.max(1, tries() / 4); i++) {
                long seed = KitSettings.seedOf(Rule.S_CONC_02, i);
                Trial t = new Trial(Rule.S_CONC_02, OptionalLong.of(seed));
                Gen gen = new Gen(seed);
                StoreId id = freshId("partial");
                AtomicBoolean done = new AtomicBoolean();
                ConcurrentLinkedQueue<List<StoredEvent>> seen = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
                List<Future<?>> readerTasks = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    readerTasks.add(pool.submit(() -> {
                        while (!done.get()) {
                            seen.add(store.read(id, 0, Integer.MAX_VALUE));
                            counts.add(store.countAfter(id, 0));
                        }
                        return null;
                    }));
                }
                List<StoredEvent> log = new ArrayList<>();
                Set<Integer> boundaries = new HashSet<>(Set.of(0));
                long head = 0;
                try {
                    for (int b = 0; b < 40; b++) {
                        List<Event> batch = gen.chain(head, gen.between(2, 9), 2, "w", "s", "pb" + b);
                        Instant at = nextInstant();
                        store.append(id, head, batch, at);
                        log.addAll(stored(batch, at));
                        boundaries.add(log.size());
                        head = batch.get(batch.size() - 1).seqNum();
                    }
                } finally {
                    done.set(true);
                }
                for (Future<?> f : readerTasks) {
                    f.get(30, TimeUnit.SECONDS);
                }
                t.step("40 appends of 2..9 events while " + readers + " readers read; " + seen.size() + " reads");
                for (List<StoredEvent> read : seen) {
                    t.check(boundaries.contains(read.size()) && log.subList(0, read.size()).equals(read),
                            "a read during appends", "a prefix of the log ending at a batch boundary (sizes " + boundaries + ")",
                            Describe.stored(read));
                }
                for (long count : counts) {
                    t.check(boundaries.contains((int) count), "countAfter(0) during appends",
                            "a batch boundary (one of " + boundaries + ")", count);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void required_S_DURABLE_01_eventsSurviveReopen() throws Exception {
        Assumptions.assumeTrue(durable(), "the provider declares no durability across restart (override durable() and reopen())");
        Trial t = Trial.fixed(Rule.S_DURABLE_01);
        EventStore store = newStore();
        StoreId id = freshId("durable");
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < Gen.TRICKY_ARGS.size(); i++) {
            batch.add(new Event("durable-v1", Optional.of(Gen.TRICKY_ARGS.get(i)), i + 1, i, "c", "s"));
        }
        batch.add(new Event("durable-v1", Optional.empty(), batch.size() + 1, batch.size(), "c", "s"));
        Instant at = nextInstant();
        append(t, store, id, 0, batch, at);
        String backendId = store.backendId(id);
        long head = store.head(id);
        store.close();
        t.step("close()");
        EventStore reopened = reopen(store);
        opened.add(reopened);
        t.step("reopen()");
        t.checkEqual("head after reopen", head, reopened.head(id));
        t.checkEqual("backendId after reopen", backendId, reopened.backendId(id));
        t.checkEqual("events after reopen", stored(batch, at), readAll(reopened, id));
        t.checkEqual("an append at the head after reopen", new AppendResult.Appended(head + 1),
                append(t, reopened, id, head, chain(head, 1, "after"), nextInstant()));
    }

    @Test
    public void required_S_HIST_01_randomHistoriesAgreeWithModel() throws Exception {
        for (int i = 0; i < tries(); i++) {
            long seed = KitSettings.seedOf(Rule.S_HIST_01, i);
            Gen gen = new Gen(seed);
            List<StorageHistory.Op> ops = StorageHistory.generate(gen, 3, gen.between(5, 60));
            EventStore store = open();
            String prefix = freshId("hist").value();
            Optional<StorageHistory.Mismatch> mismatch = StorageHistory.run(store, prefix, ops);
            if (mismatch.isEmpty()) {
                // a fresh store per try; close it now so that tries do not pile up connections
                opened.remove(store);
                store.close();
                continue;
            }
            AtomicInteger attempt = new AtomicInteger();
            Shrinker.Result<StorageHistory.Op> shrunk = Shrinker.shrink(ops, candidate ->
                    StorageHistory.run(store, prefix + "-s" + attempt.incrementAndGet(), candidate).isPresent(), 300);
            StorageHistory.Mismatch minimal = StorageHistory.run(store, prefix + "-min", shrunk.minimal())
                    .orElse(mismatch.get());
            throw RuleViolation.of(Rule.S_HIST_01, minimal.what() + " disagrees with the model",
                    minimal.expected(), minimal.actual(), minimal.steps(), OptionalLong.of(ops.size()),
                    OptionalLong.of(seed));
        }
    }
}
