package dev.eventsync.core;

import dev.eventsync.api.StoreId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One store as the admin API lists it (see {@link SyncEngine#storeStatuses()}).
 *
 * @param storeId         the store
 * @param backendId       its current backendId
 * @param head            seqNum of its last event, 0 when empty
 * @param eventCount      number of events it holds
 * @param liveSubscribers pulls of this store open on this node (catch-up and live)
 * @param lastPushAt      accept time of its last event (the last accepted push, on any node), empty when empty
 */
public record StoreStatus(StoreId storeId, String backendId, long head, long eventCount, int liveSubscribers,
                          Optional<Instant> lastPushAt) {

    public StoreStatus {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(lastPushAt, "lastPushAt");
    }
}
