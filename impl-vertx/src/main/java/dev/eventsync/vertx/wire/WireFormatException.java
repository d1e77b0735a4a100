package dev.eventsync.vertx.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.json.JsonText;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A frame or request that does not follow the wire protocol. {@code requestId} is the id of the request it
 * belongs to when that much could be read, so that the answer can be an {@code Exit} failure for that request
 * rather than a connection-level {@code Defect}.
 */
public final class WireFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Optional<String> requestId;
    private final transient Optional<SyncError> error;

    /**
     * @param error the typed error to answer with, when it is more precise than {@code InvalidRequest} (for example
     *              {@code LimitExceeded} for nesting beyond {@code maxJsonDepth})
     */
    public WireFormatException(String message, Optional<String> requestId, Optional<SyncError> error) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.error = Objects.requireNonNull(error, "error");
    }

    public WireFormatException(String message, Optional<String> requestId) {
        this(message, requestId, Optional.empty());
    }

    public WireFormatException(String message) {
        this(message, Optional.empty());
    }

    /** The id of the request the bad input belongs to, if it could be read. */
    public Optional<String> requestId() {
        return requestId;
    }

    /** The current token as the string value of {@code field}; a {@link WireFormatException} for anything else. */
    static String requireString(JsonParser p, String field) throws IOException, WireFormatException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new WireFormatException("'" + field + "' must be a string, got " + JsonText.describe(p.currentToken()));
        }
        return p.getText();
    }

    /** The same problem, attributed to {@code id}. */
    public WireFormatException forRequest(String id) {
        return new WireFormatException(getMessage(), Optional.of(id), error);
    }

    /** The typed error a client gets for this problem: {@code InvalidRequest} with the message, unless more precise. */
    public SyncError toError() {
        return error.orElseGet(() -> new SyncError.InvalidRequest(getMessage()));
    }
}
