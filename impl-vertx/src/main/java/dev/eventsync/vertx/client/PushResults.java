package dev.eventsync.vertx.client;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.vertx.wire.SyncRpc;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link PushResult} of an acked push: the detailed result an Eventsync server sends when asked through
 * {@link SyncRpc#PUSH_RESULT_HEADER}, or, from a server that only sends LiveStore's {@code {}}, the best
 * reading of the batch ({@code Appended(lastSeqNum, size)}, {@code Empty} with no head for an empty batch).
 */
final class PushResults {

    static final List<Map.Entry<String, String>> REQUEST_HEADERS = List.of(Map.entry(SyncRpc.PUSH_RESULT_HEADER, "1"));

    private PushResults() {
    }

    static PushResult of(Optional<String> ackValue, List<Event> batch) {
        return SyncRpc.decodePushResult(ackValue).orElseGet(() -> batch.isEmpty() ? PushResult.Empty.headUnknown()
                : new PushResult.Appended(batch.get(batch.size() - 1).seqNum(), batch.size()));
    }
}
