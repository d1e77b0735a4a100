package dev.eventsync.memory;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.BackendIds;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The reference storage: every store's log in memory, lost when the process ends.
 *
 * <p>Each store is an immutable snapshot (an array of events plus its size and backendId) behind a
 * {@code volatile} reference in a {@link ConcurrentHashMap}. An append builds the next snapshot and
 * publishes it with one atomic {@code compute}, after checking the head inside it: readers see either
 * the old or the new snapshot, never part of a batch, and never wait for an append. Appends reuse a
 * shared, doubling array (events beyond a snapshot's size are invisible to it), so appending is
 * amortised O(batch size).
 */
public final class InMemoryEventStore implements EventStore {

    private static final StoredEvent[] NO_EVENTS = new StoredEvent[0];

    private final ConcurrentMap<StoreId, Log> logs = new ConcurrentHashMap<>();
    /** The backendIds of stores not written yet (reads never create a store). */
    private final BackendIds.Unwritten unwritten = new BackendIds.Unwritten();

    /** An immutable view: the first {@code size} slots of {@code events} (later slots may be written). */
    private record Log(String backendId, StoredEvent[] events, int size) {

        long head() {
            return size == 0 ? 0 : events[size - 1].seqNum();
        }

        /** Index of the first event with seqNum > after (binary search: seqNums ascend). */
        int firstAfter(long after) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (events[mid].seqNum() <= after) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** The store's log for reading: an empty, unregistered one when the store was never written. */
    private Log log(StoreId store) {
        Objects.requireNonNull(store, "store");
        Log log = logs.get(store);
        return log != null ? log : newLog(store, NO_EVENTS);
    }

    private Log newLog(StoreId store, StoredEvent[] events) {
        return new Log(unwritten.backendIdOf(store), events, 0);
    }

    @Override
    public long head(StoreId storeId) {
        return log(storeId).head();
    }

    @Override
    public String backendId(StoreId storeId) {
        return log(storeId).backendId();
    }

    @Override
    public AppendResult append(StoreId storeId, long expectedHead, List<Event> batch, Instant createdAt) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(storeId, "store");
        AppendResult[] result = new AppendResult[1];
        logs.compute(storeId, (s, existing) -> {
            Log current = existing != null ? existing : newLog(s, new StoredEvent[16]);
            long head = current.head();
            if (head != expectedHead) {
                result[0] = new AppendResult.HeadMismatch(head);
                return existing;
            }
            if (batch.isEmpty()) {
                result[0] = new AppendResult.Appended(head);
                return existing;
            }
            StoredEvent[] events = current.events();
            int newSize = current.size() + batch.size();
            if (newSize > events.length) {
                events = Arrays.copyOf(events, Math.max(newSize, events.length * 2));
            }
            int i = current.size();
            for (Event e : batch) {
                events[i++] = new StoredEvent(e, createdAt);
            }
            result[0] = new AppendResult.Appended(batch.get(batch.size() - 1).seqNum());
            return new Log(current.backendId(), events, newSize);
        });
        return result[0];
    }

    @Override
    public List<StoredEvent> read(StoreId storeId, long after, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        Log log = log(storeId);
        int from = log.firstAfter(after);
        int to = (int) Math.min(log.size(), (long) from + limit);
        return List.of(Arrays.copyOfRange(log.events(), from, to));
    }

    @Override
    public long countAfter(StoreId storeId, long after) {
        Log log = log(storeId);
        return log.size() - log.firstAfter(after);
    }

    @Override
    public List<StoreInfo> stores() {
        List<StoreInfo> infos = new ArrayList<>();
        logs.forEach((id, log) -> infos.add(new StoreInfo(id, log.backendId(), log.head(), log.size())));
        infos.sort(Comparator.comparing(StoreInfo::storeId));
        return infos;
    }

    @Override
    public void reset(StoreId storeId) {
        logs.put(storeId, new Log(BackendIds.random(), new StoredEvent[16], 0));
    }

    @Override
    public boolean delete(StoreId store) {
        Objects.requireNonNull(store, "store");
        boolean[] existed = {false};
        logs.compute(store, (id, log) -> { // atomic against append's compute on the same key
            if (log != null) {
                existed[0] = true;
                unwritten.deleted(id); // before the next append can see the store as new
            }
            return null;
        });
        return existed[0];
    }

    @Override
    public void checkHealth() {
        // memory is always there
    }

    @Override
    public void close() {
        logs.clear();
    }
}
