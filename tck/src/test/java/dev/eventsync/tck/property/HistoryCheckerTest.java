package dev.eventsync.tck.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.tck.property.HistoryChecker.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The oracle accepts a correct history and flags each kind of violation in a hand-made history. */
class HistoryCheckerTest {

    private static final String BID = "backend-1";
    private static final List<Event> A = Gen.simpleChain(0, 2, "a", "a");      // 1, 2
    private static final List<Event> B = Gen.simpleChain(2, 1, "b", "b");      // 3
    private static final List<Event> C = Gen.simpleChain(3, 2, "c", "c");      // 4, 5
    private static final List<Event> STALE = Gen.simpleChain(0, 1, "s", "s");  // 1 on 0 again
    private static final List<Event> LOG = concat(A, B, C);

    private static History.PushRecord acked(int step, List<Event> batch, long invoked, long responded) {
        return new History.PushRecord(step, 0, batch, invoked, responded,
                new PushOutcome.Acked(new PushResult.Appended(batch.get(batch.size() - 1).seqNum(), batch.size())));
    }

    private static History.PushRecord refused(int step, List<Event> batch, long invoked, long responded, SyncError error) {
        return new History.PushRecord(step, 1, batch, invoked, responded, new PushOutcome.Refused(error));
    }

    private static List<PullPage> pages(List<Event> events, PageInfo... infos) {
        List<StoredEvent> stored = events.stream().map(e -> new StoredEvent(e, Instant.EPOCH)).toList();
        if (infos.length == 1) {
            return List.of(new PullPage(stored, infos[0], BID));
        }
        int half = stored.size() / 2;
        return List.of(new PullPage(stored.subList(0, half), infos[0], BID), new PullPage(stored.subList(half, stored.size()), infos[1], BID));
    }

    private static History.PullRecord pull(List<Event> seen, long invoked, long responded) {
        return new History.PullRecord(10, 2, OptionalLong.empty(), invoked, responded, pages(seen, PageInfo.NO_MORE), true, Optional.empty());
    }

    private static History.LiveRecord live(List<Event> seen) {
        return new History.LiveRecord(11, 2, OptionalLong.of(0), 0, OptionalLong.empty(), pages(seen, PageInfo.NO_MORE), Optional.empty());
    }

    /** A correct history: A, B, C acked in turn, a stale push refused at head 2, readers see prefixes. */
    private static History correct() {
        return new History(
                List.of(acked(0, A, 1, 2), refused(1, STALE, 3, 4, new SyncError.ServerAhead(2, 0)), acked(2, B, 5, 6), acked(3, C, 7, 8)),
                List.of(pull(A, 3, 4), pull(LOG, 9, 10)),
                List.of(live(LOG)),
                LOG, BID);
    }

    private static History with(List<History.PushRecord> pushes, List<History.PullRecord> pulls, List<History.LiveRecord> lives,
                                List<Event> log) {
        return new History(pushes, pulls, lives, log, BID);
    }

    private static Map<Kind, History> broken() {
        History ok = correct();
        Map<Kind, History> m = new EnumMap<>(Kind.class);
        List<Event> unchained = concat(A, C);
        m.put(Kind.LOG_NOT_CHAINED, with(List.of(acked(0, A, 1, 2), acked(3, C, 7, 8)), List.of(), List.of(), unchained));
        m.put(Kind.LOG_HAS_UNKNOWN_EVENT, with(List.of(acked(0, A, 1, 2)), List.of(), List.of(), concat(A, B)));
        m.put(Kind.REJECTED_PUSH_LEFT_EVENTS, with(List.of(acked(0, A, 1, 2), refused(2, B, 5, 6, new SyncError.ServerAhead(2, 2))),
                List.of(), List.of(), concat(A, B)));
        m.put(Kind.ACKED_PUSH_NOT_ONCE_IN_ORDER, with(ok.pushes(), List.of(), List.of(), concat(A, B)));
        History.PushRecord wrongHead = new History.PushRecord(0, 0, A, 1, 2, new PushOutcome.Acked(new PushResult.Appended(7, 2)));
        m.put(Kind.ACK_HEAD_WRONG, with(List.of(wrongHead), List.of(), List.of(), A));
        m.put(Kind.ORDER_NOT_REAL_TIME, with(List.of(acked(0, A, 5, 6), acked(2, B, 1, 2)), List.of(), List.of(), concat(A, B)));
        m.put(Kind.SERVER_AHEAD_FIELDS, with(List.of(acked(0, A, 1, 2), refused(1, STALE, 3, 4, new SyncError.ServerAhead(2, 1))),
                List.of(), List.of(), A));
        // the head was 2 until B was acked at t6; a push invoked at t7 cannot have seen head 2
        m.put(Kind.SERVER_AHEAD_NOT_A_HEAD_OF_ITS_MOMENT, with(List.of(acked(0, A, 1, 2), acked(2, B, 5, 6),
                refused(4, STALE, 7, 8, new SyncError.ServerAhead(2, 0))), List.of(), List.of(), concat(A, B)));
        m.put(Kind.READER_NOT_PREFIX, with(ok.pushes(), List.of(pull(concat(A, C), 9, 10)), List.of(), LOG));
        m.put(Kind.READER_SAW_PARTIAL_BATCH, with(ok.pushes(), List.of(pull(A.subList(0, 1), 1, 10)), List.of(), LOG));
        m.put(Kind.READ_YOUR_WRITES, with(ok.pushes(), List.of(pull(A, 9, 10)), List.of(), LOG));
        m.put(Kind.REMAINING_OVERSTATED, with(ok.pushes(), List.of(new History.PullRecord(10, 2, OptionalLong.empty(), 9, 10,
                pages(LOG, new PageInfo.MoreKnown(4), PageInfo.NO_MORE), true, Optional.empty())), List.of(), LOG));
        m.put(Kind.PULL_DID_NOT_END, with(ok.pushes(), List.of(new History.PullRecord(10, 2, OptionalLong.empty(), 9, 10,
                pages(A, new PageInfo.MoreKnown(3)), false, Optional.empty())), List.of(), LOG));
        m.put(Kind.LIVE_GAP_OR_DUPLICATE, with(ok.pushes(), List.of(), List.of(live(concat(A, A, B, C))), LOG));
        m.put(Kind.LIVE_MISSED_EVENTS, with(ok.pushes(), List.of(), List.of(live(concat(A, B))), LOG));
        m.put(Kind.LIVE_PAGE_NOT_NO_MORE, with(ok.pushes(), List.of(), List.of(new History.LiveRecord(11, 2, OptionalLong.of(0), 0,
                OptionalLong.empty(), concat(pages(A, PageInfo.NO_MORE), pages(concat(B, C), new PageInfo.MoreKnown(1))),
                Optional.empty())), LOG));
        m.put(Kind.BACKEND_ID_CHANGED, with(ok.pushes(), List.of(new History.PullRecord(10, 2, OptionalLong.empty(), 9, 10,
                List.of(new PullPage(LOG.stream().map(e -> new StoredEvent(e, Instant.EPOCH)).toList(), PageInfo.NO_MORE, "other")),
                true, Optional.empty())), List.of(), LOG));
        m.put(Kind.UNEXPECTED_ERROR, with(ok.pushes(), List.of(new History.PullRecord(10, 2, OptionalLong.empty(), 9, 10, List.of(),
                false, Optional.of("boom"))), List.of(), LOG));
        return m;
    }

    @Test
    void acceptsACorrectHistory() {
        assertThat(HistoryChecker.check(correct())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void flagsEachKindOfViolation(Kind kind) {
        History h = broken().get(kind);
        assertThat(h).as("a hand-made history showing %s", kind).isNotNull();
        assertThat(HistoryChecker.check(h)).extracting(HistoryChecker.Violation::kind).contains(kind);
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... parts) {
        List<T> out = new ArrayList<>();
        for (List<T> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
