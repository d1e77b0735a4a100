package dev.eventsync.spi.transport;

import java.util.Objects;
import java.util.Optional;

/** An {@link Authenticator}'s answer. */
public sealed interface AuthResult {

    static AuthResult allow() {
        return new Allowed(Optional.empty());
    }

    static AuthResult allow(String subject) {
        return new Allowed(Optional.of(subject));
    }

    static AuthResult deny(String reason) {
        return new Denied(reason);
    }

    /** The call may go on; {@code subject} names the caller for logs, when known. */
    record Allowed(Optional<String> subject) implements AuthResult {
        public Allowed {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /** The call is refused; {@code reason} says why and is shown to the caller. */
    record Denied(String reason) implements AuthResult {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
