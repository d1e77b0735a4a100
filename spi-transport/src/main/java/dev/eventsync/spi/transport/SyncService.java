package dev.eventsync.spi.transport;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * What a transport calls: the protocol's server side. Every call carries the caller's
 * {@link CallContext}; every failure is a {@code SyncErrorException} with a typed {@code SyncError}.
 * Methods return at once; work happens on the service's own threads, never on the caller's I/O thread.
 */
public interface SyncService {

    /**
     * Runs the authenticators for {@code context}: transports call it at connect time to refuse a caller
     * early. Push and pull authenticate again on their own. Completes with what every authenticator allowed
     * combined ({@link AuthResult.Allowed#and}: the earliest {@code expiresAt}), which a transport enforces for
     * the lifetime of a connection; a denial fails with {@code SyncError.Unauthorized}.
     */
    CompletionStage<AuthResult.Allowed> authorize(CallContext context);

    /**
     * Pushes a batch to {@code context.storeId()}: validated in the protocol's order, appended atomically
     * if it extends the head, handed to every live pull of the store, then acknowledged.
     */
    CompletionStage<PushResult> push(CallContext context, List<Event> batch, Optional<String> backendId);

    /**
     * Pulls the events after {@code cursor}: pages of the backlog, then, when {@code live}, every newly
     * accepted batch, with no gap and no duplicate. Honours {@code request(n)} and {@code cancel()}.
     * Errors (bad cursor, backendId mismatch, unauthorized) are signalled through {@code onError}.
     */
    Flow.Publisher<PullPage> pull(CallContext context, Optional<PullCursor> cursor, boolean live);

    /** Answers when the service (and its storage) can serve {@code context.storeId()}. */
    CompletionStage<Void> ping(CallContext context);

    /** Whether the service and its storage can serve requests now (for health endpoints). */
    CompletionStage<Health> health();

    /** A health report. */
    record Health(boolean ready, String detail) {
    }
}
