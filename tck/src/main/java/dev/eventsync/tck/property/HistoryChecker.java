package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.tck.Describe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The oracle of concurrent histories. It checks a {@link History} against the protocol without
 * re-running anything: every acked push appears exactly once and in order, a rejected push left
 * nothing, the log's order agrees with real time, every reader saw a prefix of that one order (and
 * everything acked before it started), every ServerAhead carried a head the store had during the push,
 * and every live pull saw a gapless ascending stream up to the final head.
 */
public final class HistoryChecker {

    private HistoryChecker() {
    }

    /** The kinds of violation the checker finds. */
    public enum Kind {
        LOG_NOT_CHAINED, LOG_HAS_UNKNOWN_EVENT, REJECTED_PUSH_LEFT_EVENTS, ACKED_PUSH_NOT_ONCE_IN_ORDER,
        ACK_HEAD_WRONG, ORDER_NOT_REAL_TIME, SERVER_AHEAD_FIELDS, SERVER_AHEAD_NOT_A_HEAD_OF_ITS_MOMENT,
        READER_NOT_PREFIX, READER_SAW_PARTIAL_BATCH, READ_YOUR_WRITES, REMAINING_OVERSTATED, PULL_DID_NOT_END,
        LIVE_GAP_OR_DUPLICATE, LIVE_MISSED_EVENTS, LIVE_PAGE_NOT_NO_MORE, BACKEND_ID_CHANGED, UNEXPECTED_ERROR
    }

    /** One violation: its kind and what exactly was seen. */
    public record Violation(Kind kind, String detail) {
        @Override
        public String toString() {
            return "[" + kind + "] " + detail;
        }
    }

    /** All violations of {@code history}, empty when it is correct. */
    public static List<Violation> check(History h) {
        List<Violation> out = new ArrayList<>();
        List<Event> log = h.finalLog();
        // Which push each logged event came from.
        Map<Event, History.PushRecord> origin = new HashMap<>();
        for (History.PushRecord p : h.pushes()) {
            for (Event e : p.batch()) {
                origin.put(e, p);
            }
        }
        Map<Event, Integer> position = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            Event e = log.get(i);
            long expectedParent = i == 0 ? 0 : log.get(i - 1).seqNum();
            if (e.parentSeqNum() != expectedParent || e.seqNum() <= e.parentSeqNum()) {
                out.add(new Violation(Kind.LOG_NOT_CHAINED, "event #" + i + " seqNum " + e.seqNum() + " has parent "
                        + e.parentSeqNum() + " but follows " + expectedParent + " in the log " + Describe.seqNums(seqNums(log))));
            }
            if (position.put(e, i) != null) {
                out.add(new Violation(Kind.ACKED_PUSH_NOT_ONCE_IN_ORDER, "seqNum " + e.seqNum() + " appears twice in the log"));
            }
            History.PushRecord p = origin.get(e);
            if (p == null) {
                out.add(new Violation(Kind.LOG_HAS_UNKNOWN_EVENT, "seqNum " + e.seqNum() + " in the log was never pushed: " + e));
            } else if (p.outcome() instanceof PushOutcome.Refused r) {
                out.add(new Violation(Kind.REJECTED_PUSH_LEFT_EVENTS, "step " + p.step() + " was refused with " + r.error()
                        + " but its seqNum " + e.seqNum() + " is in the log"));
            }
        }
        // Batch boundaries of the log (as counts of events) and the order of accepted batches.
        Set<Integer> boundaries = new HashSet<>();
        boundaries.add(0);
        List<History.PushRecord> accepted = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            History.PushRecord p = origin.get(log.get(i));
            if (i + 1 == log.size() || origin.get(log.get(i + 1)) != p) {
                boundaries.add(i + 1);
            }
            if (p != null && (accepted.isEmpty() || accepted.get(accepted.size() - 1) != p)) {
                accepted.add(p);
            }
        }
        for (History.PushRecord p : h.pushes()) {
            if (p.outcome() instanceof PushOutcome.Acked a && a.result() instanceof PushResult.Appended) {
                Integer start = position.get(p.batch().get(0));
                boolean whole = start != null && start + p.batch().size() <= log.size()
                        && log.subList(start, start + p.batch().size()).equals(p.batch());
                if (!whole) {
                    out.add(new Violation(Kind.ACKED_PUSH_NOT_ONCE_IN_ORDER, "step " + p.step() + " pushed "
                            + Describe.batch(p.batch()) + " and was acked, but the log " + Describe.seqNums(seqNums(log))
                            + " does not hold it whole and in order"));
                }
                long last = p.batch().get(p.batch().size() - 1).seqNum();
                if (!a.result().head().equals(java.util.OptionalLong.of(last))) {
                    out.add(new Violation(Kind.ACK_HEAD_WRONG, "step " + p.step() + " was acked with " + a.result()
                            + " but its last seqNum is " + last));
                }
            }
        }
        // Real-time order: a batch acked before another was pushed comes first in the log.
        for (int i = 0; i < accepted.size(); i++) {
            for (int j = i + 1; j < accepted.size(); j++) {
                History.PushRecord earlier = accepted.get(i);
                History.PushRecord later = accepted.get(j);
                if (later.outcome() instanceof PushOutcome.Acked && later.responded() < earlier.invoked()) {
                    out.add(new Violation(Kind.ORDER_NOT_REAL_TIME, "step " + later.step() + " was acked before step "
                            + earlier.step() + " was pushed, but comes after it in the log"));
                }
            }
        }
        // ServerAhead: the right fields and a head of its moment.
        for (History.PushRecord p : h.pushes()) {
            if (p.outcome() instanceof PushOutcome.Refused r && r.error() instanceof SyncError.ServerAhead sa) {
                long parent = p.batch().get(0).parentSeqNum();
                if (sa.providedNum() != parent || sa.minimumExpectedNum() == parent) {
                    out.add(new Violation(Kind.SERVER_AHEAD_FIELDS, "step " + p.step() + " pushed on parent " + parent
                            + " and got " + sa));
                    continue;
                }
                if (!wasHeadDuring(sa.minimumExpectedNum(), p, accepted)) {
                    out.add(new Violation(Kind.SERVER_AHEAD_NOT_A_HEAD_OF_ITS_MOMENT, "step " + p.step()
                            + " (invoked at t" + p.invoked() + ", answered at t" + p.responded() + ") got " + sa
                            + " but the store's head was never " + sa.minimumExpectedNum() + " in that interval; batches "
                            + describeAccepted(accepted)));
                }
            }
        }
        // Non-live pulls.
        for (History.PullRecord pull : h.pulls()) {
            if (pull.error().isPresent()) {
                out.add(new Violation(Kind.UNEXPECTED_ERROR, "pull at step " + pull.step() + " failed: " + pull.error().get()));
                continue;
            }
            if (!pull.completed()) {
                out.add(new Violation(Kind.PULL_DID_NOT_END, "pull at step " + pull.step() + " did not complete: "
                        + Describe.pages(pull.pages())));
                continue;
            }
            checkPages("pull at step " + pull.step(), pull.pages(), h.backendId(), false, out);
            List<Event> seen = events(pull.pages());
            long cursor = pull.cursor().orElse(0);
            List<Event> segment = after(log, cursor);
            if (!isPrefix(seen, segment)) {
                out.add(new Violation(Kind.READER_NOT_PREFIX, "pull at step " + pull.step() + " from " + cursor + " saw "
                        + Describe.seqNums(seqNums(seen)) + ", not a prefix of " + Describe.seqNums(seqNums(segment))));
                continue;
            }
            int end = log.size() - segment.size() + seen.size();
            if (!boundaries.contains(end)) {
                out.add(new Violation(Kind.READER_SAW_PARTIAL_BATCH, "pull at step " + pull.step() + " ended at seqNum "
                        + (seen.isEmpty() ? cursor : seen.get(seen.size() - 1).seqNum()) + ", inside a batch"));
            }
            for (History.PushRecord p : accepted) {
                if (p.outcome() instanceof PushOutcome.Acked && p.responded() < pull.invoked()
                        && p.batch().get(0).seqNum() > cursor && !seen.contains(p.batch().get(0))) {
                    out.add(new Violation(Kind.READ_YOUR_WRITES, "step " + p.step() + " was acked before the pull at step "
                            + pull.step() + " started, but the pull did not return " + Describe.batch(p.batch())));
                }
            }
            for (int k = 0; k < pull.pages().size(); k++) {
                if (pull.pages().get(k).pageInfo() instanceof PageInfo.MoreKnown mk) {
                    long later = 0;
                    for (int m = k + 1; m < pull.pages().size(); m++) {
                        later += pull.pages().get(m).batch().size();
                    }
                    if (mk.remaining() > later) {
                        out.add(new Violation(Kind.REMAINING_OVERSTATED, "pull at step " + pull.step() + " page #" + k
                                + " said " + mk + " but only " + later + " events followed"));
                    }
                }
            }
        }
        // Live pulls.
        long finalHead = log.isEmpty() ? 0 : log.get(log.size() - 1).seqNum();
        for (History.LiveRecord live : h.lives()) {
            if (live.error().isPresent()) {
                out.add(new Violation(Kind.UNEXPECTED_ERROR, "live pull at step " + live.step() + " failed: " + live.error().get()));
                continue;
            }
            checkPages("live pull at step " + live.step(), live.pages(), h.backendId(), true, out);
            List<Event> seen = events(live.pages());
            long cursor = live.cursor().orElse(0);
            List<Event> segment = after(log, cursor);
            if (!isPrefix(seen, segment)) {
                out.add(new Violation(Kind.LIVE_GAP_OR_DUPLICATE, "live pull at step " + live.step() + " from " + cursor
                        + " saw " + Describe.seqNums(seqNums(seen)) + ", not a gapless prefix of "
                        + Describe.seqNums(seqNums(segment))));
            } else if (live.closed().isEmpty() && seen.size() != segment.size()) {
                out.add(new Violation(Kind.LIVE_MISSED_EVENTS, "live pull at step " + live.step() + " from " + cursor
                        + " stayed open but saw only " + Describe.seqNums(seqNums(seen)) + " of "
                        + Describe.seqNums(seqNums(segment)) + " (final head " + finalHead + ")"));
            }
        }
        return out;
    }

    private static void checkPages(String who, List<PullPage> pages, String backendId, boolean live, List<Violation> out) {
        boolean caughtUp = false;
        for (PullPage page : pages) {
            if (!page.backendId().equals(backendId)) {
                out.add(new Violation(Kind.BACKEND_ID_CHANGED, who + " got a page with backendId " + page.backendId()
                        + ", the store's is " + backendId));
            }
            if (live && caughtUp && !(page.pageInfo() instanceof PageInfo.NoMore)) {
                out.add(new Violation(Kind.LIVE_PAGE_NOT_NO_MORE, who + " got a live page with " + page.pageInfo()));
            }
            caughtUp |= page.pageInfo() instanceof PageInfo.NoMore;
        }
    }

    /** Whether {@code head} was the store's head at some moment while {@code p} was in flight. */
    private static boolean wasHeadDuring(long head, History.PushRecord p, List<History.PushRecord> accepted) {
        // the batch that made the head (none for the root) and the one after it
        int index = -1;
        if (head != 0) {
            for (int i = 0; i < accepted.size(); i++) {
                List<Event> b = accepted.get(i).batch();
                if (b.get(b.size() - 1).seqNum() == head) {
                    index = i;
                }
            }
            if (index < 0) {
                return false;
            }
            // the head could only exist once its batch was pushed
            if (accepted.get(index).invoked() > p.responded()) {
                return false;
            }
        }
        if (index + 1 < accepted.size()) {
            History.PushRecord next = accepted.get(index + 1);
            // the head had already moved on before this push was invoked
            return !(next.outcome() instanceof PushOutcome.Acked) || next.responded() >= p.invoked();
        }
        return true;
    }

    private static String describeAccepted(List<History.PushRecord> accepted) {
        List<String> parts = new ArrayList<>();
        for (History.PushRecord p : accepted) {
            parts.add("step " + p.step() + " " + Describe.batch(p.batch()) + " t" + p.invoked() + "-t" + p.responded());
        }
        return parts.toString();
    }

    static List<Event> events(List<PullPage> pages) {
        List<Event> events = new ArrayList<>();
        for (PullPage page : pages) {
            for (StoredEvent e : page.batch()) {
                events.add(e.event());
            }
        }
        return events;
    }

    private static List<Event> after(List<Event> log, long cursor) {
        return log.stream().filter(e -> e.seqNum() > cursor).toList();
    }

    private static boolean isPrefix(List<Event> seen, List<Event> of) {
        return seen.size() <= of.size() && of.subList(0, seen.size()).equals(seen);
    }

    private static List<Long> seqNums(List<Event> events) {
        return events.stream().map(Event::seqNum).toList();
    }
}
