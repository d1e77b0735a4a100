package dev.eventsync.spi.transport;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** An {@link Authenticator}'s answer. */
public sealed interface AuthResult {

    static AuthResult allow() {
        return new Allowed(Optional.empty(), Optional.empty());
    }

    static AuthResult allow(String subject) {
        return new Allowed(Optional.of(subject), Optional.empty());
    }

    /**
     * Allows the call until {@code expiresAt} (for example a JWT's {@code exp}); a WebSocket connection opened
     * with this credential is ended when that instant passes.
     */
    static AuthResult allowUntil(Optional<String> subject, Instant expiresAt) {
        return new Allowed(subject, Optional.of(expiresAt));
    }

    static AuthResult deny(String reason) {
        return new Denied(reason);
    }

    /**
     * The call may go on.
     *
     * @param subject   names the caller for logs, when known
     * @param expiresAt when the credential stops being valid, if it has a lifetime. Transports enforce it for the
     *                  whole of a long-lived connection: once it passes, a WebSocket's live pulls end with an
     *                  {@code Unauthorized} error, its pushes are refused and the socket is closed. Requests that
     *                  authenticate again (every HTTP request, every push and pull in the engine) are checked anew
     */
    record Allowed(Optional<String> subject, Optional<Instant> expiresAt) implements AuthResult {
        public Allowed {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** An allowance without a lifetime. */
        public Allowed(Optional<String> subject) {
            this(subject, Optional.empty());
        }

        /** The allowance that holds while both this one and {@code other} hold: the earlier expiry wins. */
        public Allowed and(Allowed other) {
            Optional<Instant> expiry = expiresAt.isEmpty() ? other.expiresAt
                    : other.expiresAt.isEmpty() ? expiresAt
                    : Optional.of(expiresAt.get().isBefore(other.expiresAt.get()) ? expiresAt.get() : other.expiresAt.get());
            return new Allowed(subject.or(other::subject), expiry);
        }
    }

    /** The call is refused; {@code reason} says why and is shown to the caller. */
    record Denied(String reason) implements AuthResult {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
