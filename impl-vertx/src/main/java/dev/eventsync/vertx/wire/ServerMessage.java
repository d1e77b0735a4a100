package dev.eventsync.vertx.wire;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.SyncError;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A message from the server to a client, as a client decodes it. */
public sealed interface ServerMessage {

    /** Stream items of a pull: PullResponses. */
    record Chunk(String requestId, List<PullPage> values) implements ServerMessage {
        public Chunk {
            Objects.requireNonNull(requestId, "requestId");
            values = List.copyOf(values);
        }
    }

    /** The end of a request. */
    record Exit(String requestId, Outcome outcome) implements ServerMessage {
        public Exit {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** The answer to an RPC-level {@code Ping}. */
    record Pong() implements ServerMessage {
    }

    /** A connection-level failure the server could not attribute to one request. */
    record Defect(String message) implements ServerMessage {
        public Defect {
            Objects.requireNonNull(message, "message");
        }
    }

    /** How a request ended. */
    sealed interface Outcome {
    }

    /** Success; {@code value} is the raw JSON of the value, absent for streams ({@code void}). */
    record Success(Optional<String> value) implements Outcome {
        public Success {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Failure with the typed error found in the cause. */
    record Failure(SyncError error) implements Outcome {
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }
}
