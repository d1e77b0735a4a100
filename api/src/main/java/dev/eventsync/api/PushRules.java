package dev.eventsync.api;

import dev.eventsync.api.json.ProtocolJson;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The push validation rules of the protocol (PROTOCOL.md, push steps 2 to 5) as pure functions.
 * {@link #validate} applies them in the protocol's order and returns the first failure; the single
 * steps are public so that a provider or a test can apply one alone.
 *
 * <p>Step 5's exception, the idempotent retry, needs the log's events and is decided with
 * {@link #isRetryOf}; the engine reads those events from storage.
 */
public final class PushRules {

    private PushRules() {
    }

    /** Steps 2 to 5 in order: limits, shape, backendId, head. Empty when the batch may be appended. */
    public static Optional<SyncError> validate(List<Event> batch, SyncLimits limits, Optional<String> sentBackendId,
                                               String backendId, long head) {
        return checkLimits(batch, limits)
                .or(() -> checkShape(batch))
                .or(() -> checkBackendId(sentBackendId, backendId))
                .or(() -> checkHead(batch, head));
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
     * Step 3: every event well-formed (name, clientId and sessionId non-blank, without U+0000 and without
     * unpaired surrogates; seqNum and parentSeqNum in {@code 0..2^53-1} ({@link SeqNums#MAX_SAFE_INTEGER});
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
