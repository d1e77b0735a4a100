package dev.eventsync.bench.wire;

import java.util.List;
import java.util.Optional;

/**
 * The client side of LiveStore's {@code sync-cf} 0.4.0 WebSocket protocol (Effect RPC JSON, one message per
 * text frame), built byte for byte in the shape and member order the real client sends (see the captures in
 * {@code shared/reference/livestore-client/captures}, for example {@code ws-roundtrip.jsonl}, and
 * LiveStore's {@code packages/@livestore/sync-cf/src/common/ws-rpc-schema.ts}).
 */
public final class ClientFrames {

    private static final String TRACE = "\"traceId\":\"livestore-noop-trace-id\",";
    private static final String TAIL = ",\"spanId\":\"livestore-noop-span-id\",\"sampled\":false,\"headers\":[]}";

    private ClientFrames() {
    }

    /** One event as the client encodes it ({@code LiveStoreEvent.AnyEncodedGlobal}). */
    public record OutEvent(long seqNum, long parentSeqNum, String argsJson, String clientId) {
    }

    /** {@code SyncWsRpc.Pull} from the start ({@code cursor: None}) or after {@code cursor}. */
    public static String pull(String requestId, String storeId, boolean live, Optional<Cursor> cursor) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"_tag\":\"Request\",\"id\":\"").append(requestId).append("\",\"tag\":\"SyncWsRpc.Pull\",")
                .append(TRACE).append("\"payload\":{\"storeId\":");
        string(b, storeId);
        b.append(",\"live\":").append(live).append(",\"cursor\":");
        if (cursor.isEmpty()) {
            b.append("{\"_tag\":\"None\"}");
        } else {
            b.append("{\"_tag\":\"Some\",\"value\":{\"backendId\":");
            string(b, cursor.get().backendId());
            b.append(",\"eventSequenceNumber\":").append(cursor.get().seqNum()).append("}}");
        }
        return b.append('}').append(TAIL).toString();
    }

    /** A pull cursor: the last event the client has, and the backend it came from. */
    public record Cursor(String backendId, long seqNum) {
    }

    /** {@code SyncWsRpc.Push} of {@code batch}; {@code backendId} is {@code None} until the client learnt it. */
    public static String push(String requestId, String storeId, List<OutEvent> batch, Optional<String> backendId) {
        StringBuilder b = new StringBuilder(128 + batch.size() * 200);
        b.append("{\"_tag\":\"Request\",\"id\":\"").append(requestId).append("\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":");
        string(b, storeId);
        b.append(",\"batch\":[");
        for (int i = 0; i < batch.size(); i++) {
            OutEvent e = batch.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"name\":\"v1.TodoCreated\",\"args\":").append(e.argsJson())
                    .append(",\"seqNum\":").append(e.seqNum()).append(",\"parentSeqNum\":").append(e.parentSeqNum())
                    .append(",\"clientId\":");
            string(b, e.clientId());
            b.append(",\"sessionId\":\"session-1\"}");
        }
        b.append("],\"backendId\":");
        if (backendId.isEmpty()) {
            b.append("{\"_tag\":\"None\"}");
        } else {
            b.append("{\"_tag\":\"Some\",\"value\":");
            string(b, backendId.get());
            b.append('}');
        }
        return b.append("},").append(TRACE, 0, TRACE.length() - 1).append(TAIL).toString();
    }

    /** The acknowledgement the client sends for every chunk it received. */
    public static String ack(String requestId) {
        return "{\"_tag\":\"Ack\",\"requestId\":\"" + requestId + "\"}";
    }

    /** The RPC-level ping the client sends every 10 s. */
    public static String ping() {
        return "{\"_tag\":\"Ping\"}";
    }

    /** Appends {@code s} as a JSON string; the generator's strings are plain ASCII identifiers. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
    }
}
