package dev.eventsync.spi.transport;

import java.util.Objects;

/** A hook's decision about one event: accept it, or reject it with a reason a person can act on. */
public sealed interface Verdict {

    Verdict ACCEPT = new Accept();

    static Verdict accept() {
        return ACCEPT;
    }

    static Verdict reject(String reason) {
        return new Reject(reason);
    }

    record Accept() implements Verdict {
    }

    record Reject(String reason) implements Verdict {
        public Reject {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
