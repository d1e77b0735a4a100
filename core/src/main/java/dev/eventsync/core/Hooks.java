package dev.eventsync.core;

import dev.eventsync.api.Event;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.EventValidator;
import dev.eventsync.spi.transport.PushInterceptor;
import dev.eventsync.spi.transport.Verdict;
import java.util.List;
import java.util.Optional;

/**
 * The deployment's hooks as the engine runs them: every {@link Authenticator} on every call, and, for a push,
 * every {@link EventValidator} and {@link PushInterceptor} on every event, after the protocol's own rules and
 * before the append. The first refusal is the answer.
 */
final class Hooks {

    static final AuthResult.Allowed UNLIMITED = new AuthResult.Allowed(Optional.empty(), Optional.empty());

    private final List<Authenticator> authenticators;
    private final List<PushInterceptor> pushInterceptors;
    private final List<EventValidator> eventValidators;

    Hooks(List<Authenticator> authenticators, List<PushInterceptor> pushInterceptors,
          List<EventValidator> eventValidators) {
        this.authenticators = List.copyOf(authenticators);
        this.pushInterceptors = List.copyOf(pushInterceptors);
        this.eventValidators = List.copyOf(eventValidators);
    }

    boolean hasAuthenticators() {
        return !authenticators.isEmpty();
    }

    /**
     * Runs every authenticator; all have to allow, and the combined allowance ends at the earliest expiry.
     * A denial is {@link SyncError.Unauthorized} with the authenticator's reason.
     */
    AuthResult.Allowed authenticate(CallContext context) {
        AuthResult.Allowed allowed = UNLIMITED;
        for (Authenticator authenticator : authenticators) {
            AuthResult result = authenticator.authenticate(context);
            if (result instanceof AuthResult.Denied denied) {
                throw new SyncErrorException(new SyncError.Unauthorized(denied.reason()));
            }
            allowed = allowed.and((AuthResult.Allowed) result);
        }
        return allowed;
    }

    /**
     * Runs the validators (a refusal is {@link SyncError.InvalidBatch} naming the event) and the interceptors
     * (a refusal is {@link SyncError.Rejected}) over every event of {@code batch}, in order.
     */
    void checkEvents(CallContext context, List<Event> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Event event = batch.get(i);
            for (EventValidator validator : eventValidators) {
                if (validator.eventNames().isEmpty() || validator.eventNames().contains(event.name())) {
                    if (validator.validate(event) instanceof Verdict.Reject reject) {
                        throw new SyncErrorException(new SyncError.InvalidBatch(i, "event '" + event.name()
                                + "' (seqNum " + event.seqNum() + ") failed validation: " + reject.reason()));
                    }
                }
            }
            for (PushInterceptor interceptor : pushInterceptors) {
                if (interceptor.intercept(context, event) instanceof Verdict.Reject reject) {
                    throw new SyncErrorException(new SyncError.Rejected(i, event.seqNum(), event.name(),
                            reject.reason()));
                }
            }
        }
    }
}
