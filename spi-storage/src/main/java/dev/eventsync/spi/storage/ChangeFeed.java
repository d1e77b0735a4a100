package dev.eventsync.spi.storage;

import dev.eventsync.api.StoreId;

/**
 * Notifications of appends made by other processes that share the storage (for example other server
 * nodes over one PostgreSQL database), so that this process can deliver them to its live pulls.
 *
 * <p>A notification only says "the store's head may have moved to at least {@code head}"; the engine
 * reads the events from the store itself. Notifications may be late, repeated or coalesced, but not
 * lost silently: when the feed may have missed some (a dropped connection), it calls
 * {@link Listener#resync()}.
 */
public interface ChangeFeed {

    /** Starts delivering notifications to {@code listener} until the returned handle is closed. */
    AutoCloseable subscribe(Listener listener);

    /** Receives change notifications; called on the feed's own thread, must not block long. */
    interface Listener {

        /** {@code storeId} was appended to elsewhere; its head is now at least {@code head}. */
        void appended(StoreId storeId, long head);

        /** Notifications may have been missed; every store may have changed. */
        void resync();

        /**
         * {@code store} was {@linkplain EventStore#reset reset} elsewhere: a new backendId and an empty log.
         * Live pulls of the store on this node must learn it. By default, the same as {@link #resync()}.
         */
        default void reset(StoreId store) {
            resync();
        }
    }
}
