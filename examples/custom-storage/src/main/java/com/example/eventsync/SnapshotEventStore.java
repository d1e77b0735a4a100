package com.example.eventsync;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.BackendIds;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An in-memory storage without locks: every store is an immutable snapshot, replaced whole by a compare-and-set
 * on the map entry. The head check and the append are one {@link ConcurrentMap#compute} step, which is what the
 * contract asks for ("the head check inside the storage's atomic append"); readers see a snapshot, never part of
 * a batch. Copying the log on every append is fine for an example and for small stores.
 */
public final class SnapshotEventStore implements EventStore {

    /** One store at one moment: its backendId and its events, ascending by seqNum. */
    private record Snapshot(String backendId, List<StoredEvent> events) {
        long head() {
            return events.isEmpty() ? 0 : events.get(events.size() - 1).seqNum();
        }

        /** The index of the first event with seqNum > after (seqNums ascend, with gaps). */
        int firstAfter(long after) {
            int lo = 0;
            int hi = events.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (events.get(mid).seqNum() <= after) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    private final ConcurrentMap<StoreId, Snapshot> stores = new ConcurrentHashMap<>();
    /** The backendIds of stores not written yet: reads never create a store (the contract's S-EMPTY-02). */
    private final BackendIds.Unwritten unwritten = new BackendIds.Unwritten();

    /** The store for reading: an empty, unregistered one when it was never written. */
    private Snapshot snapshot(StoreId store) {
        Snapshot s = stores.get(store);
        return s != null ? s : new Snapshot(unwritten.backendIdOf(store), List.of());
    }

    @Override
    public long head(StoreId store) {
        return snapshot(store).head();
    }

    @Override
    public String backendId(StoreId store) {
        return snapshot(store).backendId();
    }

    @Override
    public AppendResult append(StoreId store, long expectedHead, List<Event> batch, Instant createdAt) {
        AppendResult[] result = new AppendResult[1];
        stores.compute(store, (id, current) -> {
            // the first append creates the store, with the backendId its reads already answered
            Snapshot now = current != null ? current : new Snapshot(unwritten.backendIdOf(id), List.of());
            if (now.head() != expectedHead) {
                result[0] = new AppendResult.HeadMismatch(now.head());
                return now;
            }
            List<StoredEvent> events = new ArrayList<>(now.events().size() + batch.size());
            events.addAll(now.events());
            batch.forEach(e -> events.add(new StoredEvent(e, createdAt)));
            Snapshot next = new Snapshot(now.backendId(), List.copyOf(events));
            result[0] = new AppendResult.Appended(next.head());
            return next;
        });
        return result[0];
    }

    @Override
    public List<StoredEvent> read(StoreId store, long after, int limit) {
        Snapshot s = snapshot(store);
        int from = s.firstAfter(after);
        return s.events().subList(from, Math.min(s.events().size(), from + limit));
    }

    @Override
    public long countAfter(StoreId store, long after) {
        Snapshot s = snapshot(store);
        return s.events().size() - s.firstAfter(after);
    }

    @Override
    public List<StoreInfo> stores() {
        List<StoreInfo> infos = new ArrayList<>();
        stores.forEach((id, s) -> infos.add(new StoreInfo(id, s.backendId(), s.head(), s.events().size())));
        infos.sort(Comparator.comparing(StoreInfo::storeId));
        return infos;
    }

    @Override
    public void reset(StoreId store) {
        stores.put(store, new Snapshot(BackendIds.random(), List.of()));
    }

    @Override
    public boolean delete(StoreId store) {
        boolean[] existed = {false};
        stores.compute(store, (id, current) -> {
            if (current != null) {
                existed[0] = true;
                unwritten.deleted(id); // its next life gets another backendId
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
        stores.clear();
    }
}
