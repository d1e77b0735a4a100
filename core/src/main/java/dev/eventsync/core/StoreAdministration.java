package dev.eventsync.core;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import dev.eventsync.spi.transport.CallContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's administration (behind {@link SyncEngine}'s public methods of the same names): resetting and
 * deleting a store in its push order, and the status of stores and of the pulls open on this node.
 */
final class StoreAdministration {

    private static final Logger LOG = LoggerFactory.getLogger(StoreAdministration.class);

    private final EventStore storage;
    private final Execution execution;
    private final Collection<PullSubscription> pulls;
    private final Clock clock;

    /** @param pulls a live view of the pulls open on this node */
    StoreAdministration(EventStore storage, Execution execution, Collection<PullSubscription> pulls, Clock clock) {
        this.storage = storage;
        this.execution = execution;
        this.pulls = pulls;
        this.clock = clock;
    }

    CompletionStage<String> reset(StoreChannel channel) {
        StoreId storeId = channel.storeId;
        return inPushOrder(channel, () -> {
            storage.reset(storeId);
            String backendId = storage.backendId(storeId);
            channel.resetTo(backendId);
            LOG.info("store {}: reset, new backendId {}", storeId, backendId);
            return backendId;
        });
    }

    CompletionStage<Boolean> delete(StoreChannel channel) {
        StoreId storeId = channel.storeId;
        return inPushOrder(channel, () -> {
            boolean existed = storage.delete(storeId);
            String oldBackendId = channel.forget();
            SyncError ended = new SyncError.BackendIdMismatch("(deleted)", oldBackendId);
            for (PullSubscription pull : List.copyOf(pulls)) {
                if (pull.channel() == channel) {
                    pull.fail(ended);
                }
            }
            LOG.atInfo().addKeyValue("store", storeId.value())
                    .log("store {}: deleted (existed: {})", storeId, existed);
            return existed;
        });
    }

    /** Runs {@code task} in the store's admission order, so that no push of this node interleaves. */
    private <T> CompletionStage<T> inPushOrder(StoreChannel channel, java.util.function.Supplier<T> task) {
        try {
            return channel.serially(() -> Execution.guarded(() -> {
                execution.checkRunning();
                return task.get();
            }), execution.executor());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(Execution.typed(e));
        }
    }

    CompletionStage<List<StoreStatus>> storeStatuses() {
        return execution.onWorker(() -> {
            Map<StoreId, Integer> pullCounts = new HashMap<>();
            for (PullSubscription pull : pulls) {
                pullCounts.merge(pull.channel().storeId, 1, Integer::sum);
            }
            List<StoreStatus> statuses = new ArrayList<>();
            for (StoreInfo info : storage.stores()) {
                statuses.add(new StoreStatus(info.storeId(), info.backendId(), info.head(), info.eventCount(),
                        pullCounts.getOrDefault(info.storeId(), 0), lastAcceptTime(info.storeId(), info.head())));
            }
            return statuses;
        });
    }

    /** The accept time of the event at {@code head} (the last one: no seqNum lies between head - 1 and head). */
    private Optional<Instant> lastAcceptTime(StoreId storeId, long head) {
        if (head <= 0) {
            return Optional.empty();
        }
        return storage.read(storeId, head - 1, 1).stream().findFirst().map(StoredEvent::createdAt);
    }

    CompletionStage<List<PullStatus>> pulls(StoreId storeId) {
        return execution.onWorker(() -> {
            Instant now = clock.instant();
            List<PullStatus> statuses = new ArrayList<>();
            for (PullSubscription pull : pulls) {
                if (!pull.channel().storeId.equals(storeId)) {
                    continue;
                }
                PullSubscription.Position position = pull.position();
                CallContext context = pull.context();
                long lagEvents = storage.countAfter(storeId, position.delivered());
                Duration lag = lagEvents == 0 ? Duration.ZERO : storage.read(storeId, position.delivered(), 1).stream()
                        .findFirst().map(e -> Duration.between(e.createdAt(), now)).filter(d -> !d.isNegative())
                        .orElse(Duration.ZERO);
                Optional<String> clientId = context.clientId()
                        .or(() -> context.remote().flatMap(pull.channel()::clientAt));
                statuses.add(new PullStatus(storeId, clientId, context.transport(), context.remote(),
                        position.delivered(), position.live(), lagEvents, lag, position.since()));
            }
            statuses.sort(Comparator.comparing(PullStatus::since));
            return statuses;
        });
    }
}
