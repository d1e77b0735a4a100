package dev.eventsync.spi.storage;

import dev.eventsync.api.StoreId;
import java.util.Objects;

/** A store's vital statistics, for administration. */
public record StoreInfo(StoreId storeId, String backendId, long head, long eventCount) {

    public StoreInfo {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(backendId, "backendId");
    }
}
