package dev.eventsync.api;

import dev.eventsync.api.json.ProtocolJson;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The push validation rules of the protocol (PROTOCOL.md, push steps 2 to 5): the only place they are
 * written. The engine calls {@link #checkBatch} (steps 2 and 3, which need nothing but the batch) and then,
 * in the store's admission slot, {@link #decide} (steps 4 and 5 against the store's backendId and head,
 * with the idempotent retry). The single steps are public so that a provider or a test can apply one
 * alone.
 */
public final class PushRules {

    /**
     * The most UTF-16 characters of {@code name}, {@code clientId} and {@code sessionId}: at most 32 KiB of
     * UTF-8, so that every storage keeps them (MariaDB's TEXT holds 65 535 bytes); LiveStore's are short
     * names and nanoids.
     */
    public static final int MAX_TEXT_CHARS = 8192;

    private PushRules() {
    }

    /** What {@link #decide} says about a batch, given the store's backendId and head. */
    public sealed interface Decision {

        /** The batch extends the head: append it (the storage's conditional append has the last word). */
        record Append() implements Decision {
        }

        /** The batch is already the log's events at those seqNums: acknowledge without appending. */
        record AlreadyApplied(long head) implements Decision {
        }

        /** The batch is refused with {@code error}; nothing is appended. */
        record Refuse(SyncError error) implements Decision {
            public Refuse {
                Objects.requireNonNull(error, "error");
            }
        }
    }

    /** Reads up to {@code limit} of the log's events after {@code after}: what an idempotent retry is compared to. */
    @FunctionalInterface
    public interface LogReader {
        List<StoredEvent> read(long after, int limit);
    }

    /** Steps 2 and 3: limits, then shape. Empty when the batch may go on to the store's checks. */
    public static Optional<SyncError> checkBatch(List<Event> batch, SyncLimits limits) {
        return checkLimits(batch, limits).or(() -> checkShape(batch));
    }

    /**
     * Whether {@link #decide} would answer {@link Decision.Append} without reading the log: the backendId (if
     * sent) is the store's and the batch starts at the head. When it is false, a caller holding a cached view
     * of the store may refresh that view first, since another node may have moved the store on.
     */
    public static boolean extendsHead(List<Event> batch, Optional<String> sentBackendId, String backendId, long head) {
        return checkBackendId(sentBackendId, backendId).isEmpty() && checkHead(batch, head).isEmpty();
    }

    /**
     * Steps 4 and 5 for a non-empty batch that passed {@link #checkBatch}: the backendId, then the head. A
     * batch that does not start at the head but is exactly the log's events after its parent is a retry of
     * an accepted push whose ack was lost ({@link Decision.AlreadyApplied}); otherwise a stale batch gets
     * {@code ServerAhead{minimumExpectedNum: head, providedNum: batch[0].parentSeqNum}}.
     *
     * @param log reads the log's events for the retry comparison; called at most once, only when the
     *            batch's parent is below the head
     */
    public static Decision decide(List<Event> batch, Optional<String> sentBackendId, String backendId, long head,
                                  LogReader log) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("decide needs a non-empty batch: an empty push changes nothing");
        }
        Optional<SyncError> mismatch = checkBackendId(sentBackendId, backendId);
        if (mismatch.isPresent()) {
            return new Decision.Refuse(mismatch.get());
        }
        Optional<SyncError> stale = checkHead(batch, head);
        if (stale.isEmpty()) {
            return new Decision.Append();
        }
        long parent = batch.get(0).parentSeqNum();
        if (parent < head && isRetryOf(batch, log.read(parent, batch.size()))) {
            return new Decision.AlreadyApplied(head);
        }
        return new Decision.Refuse(stale.get());
    }

    /** Step 2: at most {@code maxPushEvents} events and {@code maxPushBytes} encoded bytes. */
    public static Optional<SyncError> checkLimits(List<Event> batch, SyncLimits limits) {
        Objects.requireNonNull(batch, "batch");
        if (batch.size() > limits.maxPushEvents()) {
            return Optional.of(new SyncError.LimitExceeded("maxPushEvents", limits.maxPushEvents(), batch.size()));
        }
        long bytes = 0;
        for (Event event : batch) {
            bytes += ProtocolJson.encodedSize(event);
            if (bytes > limits.maxPushBytes()) {
                return Optional.of(new SyncError.LimitExceeded("maxPushBytes", limits.maxPushBytes(),
                        totalBytes(batch)));
            }
        }
        return Optional.empty();
    }

    /**
     * Step 3: every event well-formed (name, clientId and sessionId non-blank, at most
     * {@value #MAX_TEXT_CHARS} characters, without U+0000 and without unpaired surrogates; seqNum and parentSeqNum in {@code 0..2^53-1} ({@link SeqNums#MAX_SAFE_INTEGER});
     * {@code seqNum > parentSeqNum}; {@code args} valid JSON text of well-formed Unicode), and the batch
     * chained: each event's
     * {@code parentSeqNum} is the previous event's {@code seqNum}, so seqNums ascend strictly.
     */
    public static Optional<SyncError> checkShape(List<Event> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Event e = batch.get(i);
            String problem = eventProblem(e);
            if (problem == null && i > 0 && e.parentSeqNum() != batch.get(i - 1).seqNum()) {
                problem = "parentSeqNum " + e.parentSeqNum() + " does not chain onto the previous event's seqNum "
                        + batch.get(i - 1).seqNum() + " (each event's parent must be the event before it)";
            }
            if (problem != null) {
                return Optional.of(new SyncError.InvalidBatch(i, problem));
            }
        }
        return Optional.empty();
    }

    /** Step 4: if the client sent a backendId, it must be the store's. */
    public static Optional<SyncError> checkBackendId(Optional<String> sentBackendId, String backendId) {
        return sentBackendId.filter(sent -> !sent.equals(backendId))
                .map(sent -> new SyncError.BackendIdMismatch(backendId, sent));
    }

    /**
     * Step 5: the batch must start at the head: {@code batch[0].parentSeqNum == head}, else
     * {@code ServerAhead{minimumExpectedNum: head, providedNum: batch[0].parentSeqNum}}. Gaps between the
     * parent and the seqNum are allowed. An empty batch always passes.
     */
    public static Optional<SyncError> checkHead(List<Event> batch, long head) {
        if (batch.isEmpty() || batch.get(0).parentSeqNum() == head) {
            return Optional.empty();
        }
        return Optional.of(new SyncError.ServerAhead(head, batch.get(0).parentSeqNum()));
    }

    /**
     * Whether {@code batch} is exactly {@code existing}: the same events (name, args, numbers, clientId,
     * sessionId) at the same seqNums. Such a push is a retry of one that was accepted but whose ack was
     * lost; it succeeds without appending anything.
     */
    public static boolean isRetryOf(List<Event> batch, List<StoredEvent> existing) {
        if (batch.isEmpty() || batch.size() != existing.size()) {
            return false;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (!batch.get(i).equals(existing.get(i).event())) {
                return false;
            }
        }
        return true;
    }

    private static String eventProblem(Event e) {
        String problem = textProblem("name", e.name());
        if (problem == null) {
            problem = textProblem("clientId", e.clientId());
        }
        if (problem == null) {
            problem = textProblem("sessionId", e.sessionId());
        }
        if (problem != null) {
            return problem;
        }
        if (e.seqNum() < 0 || e.parentSeqNum() < 0) {
            return "seqNum and parentSeqNum must be non-negative, got seqNum " + e.seqNum() + ", parentSeqNum "
                    + e.parentSeqNum();
        }
        if (e.seqNum() > SeqNums.MAX_SAFE_INTEGER || e.parentSeqNum() > SeqNums.MAX_SAFE_INTEGER) {
            return "seqNum and parentSeqNum must be at most 2^53-1 (" + SeqNums.MAX_SAFE_INTEGER
                    + ", the largest integer a JavaScript client reads exactly), got seqNum " + e.seqNum()
                    + ", parentSeqNum " + e.parentSeqNum();
        }
        if (e.seqNum() <= e.parentSeqNum()) {
            return "seqNum " + e.seqNum() + " must be greater than parentSeqNum " + e.parentSeqNum();
        }
        if (e.args().isPresent()) {
            String args = e.args().get();
            int unpaired = unpairedSurrogate(args);
            if (unpaired >= 0) {
                return "args contains an unpaired surrogate character at char " + unpaired
                        + " (not Unicode text; escape it as \\u" + Integer.toHexString(args.charAt(unpaired))
                        + " inside a JSON string to send it)";
            }
            if (!ProtocolJson.isValidJson(args)) {
                return "args is not valid JSON";
            }
        }
        return null;
    }

    /**
     * The input policy for the event's string fields (README, "Input policy"): non-blank Unicode text that
     * every storage keeps byte for byte, so no U+0000 (PostgreSQL text cannot hold it) and no unpaired
     * surrogate (it has no UTF-8 encoding: storages would turn it into '?'). Refused, never rewritten.
     */
    private static String textProblem(String field, String value) {
        if (value.isBlank()) {
            return field + " must not be blank";
        }
        if (value.length() > MAX_TEXT_CHARS) {
            return field + " has " + value.length() + " characters, more than the " + MAX_TEXT_CHARS
                    + " allowed (it is a name or an id, not data: put data in args)";
        }
        int nul = value.indexOf('\0');
        if (nul >= 0) {
            return field + " contains U+0000 (NUL) at char " + nul + "; " + field
                    + " must be text without NUL characters";
        }
        int unpaired = unpairedSurrogate(value);
        if (unpaired >= 0) {
            return field + " contains an unpaired surrogate (\\u" + Integer.toHexString(value.charAt(unpaired))
                    + ") at char " + unpaired + "; " + field + " must be well-formed Unicode text";
        }
        return null;
    }

    /** The index of the first surrogate char of {@code s} that is not part of a pair, or -1. */
    static int unpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static long totalBytes(List<Event> batch) {
        long total = 0;
        for (Event event : batch) {
            total += ProtocolJson.encodedSize(event);
        }
        return total;
    }
}
