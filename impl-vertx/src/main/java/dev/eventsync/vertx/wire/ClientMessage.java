package dev.eventsync.vertx.wire;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A message from a client to the server, in Effect RPC framing (one per WebSocket frame or HTTP body). */
public sealed interface ClientMessage {

    /**
     * A call: {@code tag} names the RPC ({@code SyncWsRpc.Pull}, {@code SyncHttpRpc.Push}, ...); {@code payload}
     * is its payload as the raw JSON text the client sent, so that event {@code args} stay byte for byte.
     */
    record Request(String id, String tag, String payload, List<Map.Entry<String, String>> headers)
            implements ClientMessage {
        public Request {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(payload, "payload");
            headers = List.copyOf(headers);
        }
    }

    /** The client consumed a {@code Chunk} of {@code requestId}: the server may send the next one. */
    record Ack(String requestId) implements ClientMessage {
        public Ack {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** The client is no longer interested in {@code requestId}. */
    record Interrupt(String requestId) implements ClientMessage {
        public Interrupt {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** RPC-level keep-alive; answered with {@code Pong}. */
    record Ping() implements ClientMessage {
    }

    /** End of the client's input (Effect's HTTP protocol); nothing to do. */
    record Eof() implements ClientMessage {
    }
}
