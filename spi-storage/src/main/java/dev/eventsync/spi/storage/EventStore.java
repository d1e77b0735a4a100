package dev.eventsync.spi.storage;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The storage SPI: durable, per-store, totally ordered event logs. This Javadoc is the contract; the
 * storage compatibility kit ({@code EventStoreCompatibilityKit}) checks it.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li><b>Stores are independent.</b> Nothing done to one store is visible in another. An unknown store
 *       is empty with head {@code 0}.</li>
 *   <li><b>Reads never create a store.</b> {@link #head}, {@link #backendId}, {@link #read} and
 *       {@link #countAfter} of a store that was never written change nothing: {@link #stores()} does not
 *       list it and no row, file or entry is made for it (anyone may pull any store id). A store exists
 *       from its first {@link #append} (or {@link #reset}).</li>
 *   <li><b>head</b> is the seqNum of the store's last event, {@code 0} when the store is empty.</li>
 *   <li><b>backendId</b> is an identifier with at least 64 bits of entropy, stable across calls and, for a
 *       durable storage, across restarts and processes, until {@link #reset}. A store that was never
 *       written already has the backendId its first append will give it, so a client that pulled the
 *       empty store keeps a valid backendId once another client creates it ({@link BackendIds} derives it
 *       from a per-storage random key). A reset gives a new random one.</li>
 *   <li><b>append is conditional and atomic.</b> {@link #append} adds the whole batch if and only if the
 *       store's head equals {@code expectedHead} at the moment of the append, and then the head becomes
 *       the batch's last seqNum. Otherwise it adds nothing and reports the actual head. The check is made
 *       inside the storage's own atomic operation (a database transaction with a row lock, a
 *       compare-and-set), so it stays correct when several processes share the storage. No reader ever
 *       sees part of a batch, and a failed append (an exception) leaves nothing behind.</li>
 *   <li><b>read</b> returns the events with {@code seqNum > after}, ascending, at most {@code limit},
 *       exactly as appended: {@code args} byte for byte, and the accept time.</li>
 *   <li><b>countAfter</b> is the exact number of events with {@code seqNum > after} at the time of the
 *       call.</li>
 * </ul>
 *
 * <h2>What the engine relies on</h2>
 * <ul>
 *   <li>Every method may be called concurrently from many threads, for the same and for different
 *       stores. Reads never wait for appends to other stores, and should not wait for appends to the same
 *       store beyond the append's own atomic step.</li>
 *   <li>The engine checks the batch's shape before calling {@link #append} (non-empty, chained,
 *       ascending, {@code batch[0].parentSeqNum == expectedHead}); the store needs only the head check.
 *       On one node the engine never runs two appends to the same store at once; across nodes it may,
 *       and the conditional append keeps the order.</li>
 *   <li>Methods may block (they run on the engine's bounded storage executor, never on an I/O thread).
 *       When the storage cannot be reached they throw {@link StorageUnavailableException}, which the
 *       engine turns into the typed {@code Unavailable} error.</li>
 * </ul>
 */
public interface EventStore extends AutoCloseable {

    /** The seqNum of the store's last event, {@code 0} when it is empty. */
    long head(StoreId storeId);

    /**
     * The store's backendId, stable until {@link #reset}; for a store that was never written, the one its
     * first append will give it (nothing is created).
     */
    String backendId(StoreId storeId);

    /**
     * Appends {@code batch} if and only if the store's head is {@code expectedHead}, atomically.
     *
     * @param createdAt the accept time recorded with every event of the batch
     * @return {@link AppendResult.Appended} with the new head, or {@link AppendResult.HeadMismatch} with
     *         the actual head when the store has moved on (nothing was appended)
     */
    AppendResult append(StoreId storeId, long expectedHead, List<Event> batch, Instant createdAt);

    /** Up to {@code limit} events with {@code seqNum > after}, in ascending order. */
    List<StoredEvent> read(StoreId storeId, long after, int limit);

    /** The number of events with {@code seqNum > after}. */
    long countAfter(StoreId storeId, long after);

    /** The stores that exist (were appended to or reset), with their heads and sizes, in store id order. */
    List<StoreInfo> stores();

    /**
     * Forgets a store's events and gives it a new backendId, so that clients holding the old history
     * detect the reset ({@code BackendIdMismatch}).
     */
    void reset(StoreId storeId);

    /**
     * Deletes a store: its events and its backendId. Afterwards the store is absent from {@link #stores()}, and
     * its next use creates it anew, empty and with a new backendId, as for a store never used. Deleting is
     * atomic with respect to {@link #append}: a concurrent append lands entirely before the delete (and is
     * deleted with the rest) or entirely after it (in the new store, where the head check sees head 0).
     * Deleting a store that does not exist changes nothing.
     *
     * @return whether the store existed
     */
    boolean delete(StoreId store);

    /**
     * The feed of appends made by <em>other</em> processes sharing this storage, for stores whose live
     * pulls this process serves. Empty when the storage is private to one process.
     */
    default Optional<ChangeFeed> changeFeed() {
        return Optional.empty();
    }

    /** Throws {@link StorageUnavailableException} when the storage cannot serve requests now. */
    void checkHealth();

    /** Releases connections and files. */
    @Override
    void close();
}
