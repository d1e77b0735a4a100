package dev.eventsync.core;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.PushRules;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.transport.CallContext;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push path: authentication and {@link PushRules#checkBatch} in parallel for any number of pushes, then,
 * in the store's admission slot ({@link StoreChannel#serially}), {@link PushRules#decide} against the store's
 * backendId and head, the hooks, the storage's conditional append, publication to every live pull of the
 * store, and only then the acknowledgement.
 *
 * <p>The engine's view of a store (head, backendId) may lag behind storage when other nodes share it: a batch
 * that does not extend the cached head is judged again after re-reading storage, and an append refused by the
 * storage's own head check ({@link AppendResult.HeadMismatch}) is judged again the same way. The decision that
 * counts is always the storage's conditional append.
 */
final class PushAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(PushAdmission.class);
    /** Appends tried for one push when storage keeps moving between the decision and the append. */
    private static final int MAX_APPEND_ATTEMPTS = 3;

    private final EventStore storage;
    private final SyncLimits limits;
    private final EngineSettings settings;
    private final Hooks hooks;
    private final Clock clock;
    private final Execution execution;

    PushAdmission(EventStore storage, SyncLimits limits, EngineSettings settings, Hooks hooks, Clock clock,
                  Execution execution) {
        this.storage = storage;
        this.limits = limits;
        this.settings = settings;
        this.hooks = hooks;
        this.clock = clock;
        this.execution = execution;
    }

    /** The whole push; every failure completes the stage with a {@link SyncErrorException}. */
    CompletableFuture<PushResult> push(CallContext context, StoreChannel channel, List<Event> batch,
                                       Optional<String> sentBackendId) {
        // authentication and the batch's own checks on a worker of the bounded pool (a full pool refuses here);
        // then, on that same worker when the store's admission slot is free (else queued behind it), the admission
        return execution.onWorker(() -> {
            hooks.authenticate(context);
            if (batch.isEmpty()) {
                channel.ensureInitialized();
                return CompletableFuture.completedFuture((PushResult) new PushResult.Empty(channel.publishedHead()));
            }
            PushRules.checkBatch(batch, limits).ifPresent(Execution::raise);
            return channel.seriallyHere(() -> Execution.guarded(() -> {
                execution.checkRunning();
                return admit(context, channel, batch, sentBackendId);
            }), execution.executor());
        }).thenCompose(admitted -> admitted)
                .handle((result, failure) -> {
                    if (failure != null) {
                        throw Execution.typed(failure);
                    }
                    return result;
                });
    }

    /** Steps 4 to 8 in the store's admission slot. */
    private PushResult admit(CallContext context, StoreChannel channel, List<Event> batch,
                             Optional<String> sentBackendId) {
        channel.ensureInitialized();
        if (!PushRules.extendsHead(batch, sentBackendId, channel.backendId(), channel.publishedHead())) {
            // another node may have appended or reset the store: publish what storage has before judging
            channel.syncFromStorage(settings.readBatchSize());
        }
        for (int attempt = 1; ; attempt++) {
            long head = channel.publishedHead();
            PushRules.Decision decision = PushRules.decide(batch, sentBackendId, channel.backendId(), head,
                    (after, limit) -> storage.read(channel.storeId, after, limit));
            if (decision instanceof PushRules.Decision.Refuse refuse) {
                // key-value pairs: fields of the JSON log format (--log-format json)
                LOG.atDebug().addKeyValue("store", channel.storeId.value())
                        .addKeyValue("parentSeqNum", batch.get(0).parentSeqNum()).addKeyValue("head", head)
                        .log("store {}: push after {} refused: {}", channel.storeId, batch.get(0).parentSeqNum(),
                                refuse.error().code());
                throw new SyncErrorException(refuse.error());
            }
            if (decision instanceof PushRules.Decision.AlreadyApplied applied) {
                LOG.atDebug().addKeyValue("store", channel.storeId.value())
                        .addKeyValue("parentSeqNum", batch.get(0).parentSeqNum())
                        .log("store {}: push of {} events after {} is a retry of an accepted push", channel.storeId,
                                batch.size(), batch.get(0).parentSeqNum());
                return new PushResult.AlreadyApplied(applied.head());
            }
            hooks.checkEvents(context, batch);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            AppendResult result = storage.append(channel.storeId, head, batch, now);
            if (result instanceof AppendResult.Appended) {
                publish(channel, batch, now);
                long newHead = batch.get(batch.size() - 1).seqNum();
                LOG.atDebug().addKeyValue("store", channel.storeId.value()).addKeyValue("fromSeqNum", batch.get(0).seqNum())
                        .addKeyValue("toSeqNum", newHead)
                        .log("store {}: appended {} events, head {} -> {}", channel.storeId, batch.size(), head, newHead);
                return new PushResult.Appended(newHead, batch.size());
            }
            long actual = ((AppendResult.HeadMismatch) result).actualHead();
            channel.syncFromStorage(settings.readBatchSize());
            if (attempt == MAX_APPEND_ATTEMPTS) {
                throw new SyncErrorException(new dev.eventsync.api.SyncError.ServerAhead(
                        Math.max(actual, channel.publishedHead()), batch.get(0).parentSeqNum()));
            }
        }
    }

    private static void publish(StoreChannel channel, List<Event> batch, Instant acceptedAt) {
        List<SizedEvent> published = new ArrayList<>(batch.size());
        for (Event event : batch) {
            published.add(SizedEvent.of(new StoredEvent(event, acceptedAt)));
        }
        channel.publish(published);
    }
}
