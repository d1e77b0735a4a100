package dev.eventsync.vertx.wire;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A message from a client to the server, in Effect RPC framing (one per WebSocket frame or HTTP body). */
public sealed interface ClientMessage {

    /**
     * A call: {@code tag} names the RPC ({@code SyncWsRpc.Pull}, {@code SyncHttpRpc.Push}, ...); {@code payload}
     * is its payload as the raw JSON text the client sent, so that event {@code args} stay byte for byte.
     * Equal when id, tag, payload and headers are.
     *
     * <p>A push whose payload the codec decoded in the same pass as the message also carries that decoding
     * ({@link #decodedPush()}), so that the payload text is not parsed a second time.
     */
    final class Request implements ClientMessage {
        private final String id;
        private final String tag;
        private final String payload;
        private final List<Map.Entry<String, String>> headers;
        private final SyncRpc.PushRequest decodedPush;

        public Request(String id, String tag, String payload, List<Map.Entry<String, String>> headers) {
            this(id, tag, payload, headers, null);
        }

        Request(String id, String tag, String payload, List<Map.Entry<String, String>> headers,
                SyncRpc.PushRequest decodedPush) {
            this.id = Objects.requireNonNull(id, "id");
            this.tag = Objects.requireNonNull(tag, "tag");
            this.payload = Objects.requireNonNull(payload, "payload");
            this.headers = List.copyOf(headers);
            this.decodedPush = decodedPush;
        }

        public String id() {
            return id;
        }

        public String tag() {
            return tag;
        }

        public String payload() {
            return payload;
        }

        public List<Map.Entry<String, String>> headers() {
            return headers;
        }

        /**
         * The push request {@link SyncRpc#decodePush} reads from {@link #payload()}, when the codec already read it
         * while decoding the message (a push whose {@code tag} comes before its {@code payload}, as LiveStore sends
         * it, and whose payload is a valid push); empty otherwise.
         */
        public Optional<SyncRpc.PushRequest> decodedPush() {
            return Optional.ofNullable(decodedPush);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && id.equals(r.id) && tag.equals(r.tag) && payload.equals(r.payload)
                    && headers.equals(r.headers);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, tag, payload, headers);
        }

        @Override
        public String toString() {
            return "Request[id=" + id + ", tag=" + tag + ", payload=" + payload + ", headers=" + headers + "]";
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
