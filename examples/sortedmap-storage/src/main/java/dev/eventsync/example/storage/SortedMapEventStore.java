package dev.eventsync.example.storage;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.BackendIds;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's example of a storage: every store a sorted map behind one lock. Simple rather
 * than fast; it passes the storage compatibility kit ({@code SortedMapEventStoreCompatibilityTest}).
 */
public final class SortedMapEventStore implements EventStore {

    private record Log(String backendId, TreeMap<Long, StoredEvent> events) {
        long head() {
            return events.isEmpty() ? 0 : events.lastKey();
        }
    }

    private final Map<StoreId, Log> logs = new HashMap<>();
    private final BackendIds.Unwritten unwritten = new BackendIds.Unwritten(); // backendIds of unwritten stores

    private Log log(StoreId storeId) { // reads never create a store: an unknown one is empty
        return logs.getOrDefault(storeId, new Log(unwritten.backendIdOf(storeId), new TreeMap<>()));
    }

    @Override
    public synchronized long head(StoreId storeId) {
        return log(storeId).head();
    }

    @Override
    public synchronized String backendId(StoreId storeId) {
        return log(storeId).backendId();
    }

    @Override
    public synchronized AppendResult append(StoreId storeId, long expectedHead, List<Event> batch, Instant createdAt) {
        Log log = logs.computeIfAbsent(storeId, this::log);
        if (log.head() != expectedHead) {
            return new AppendResult.HeadMismatch(log.head()); // the head check, inside the lock
        }
        TreeMap<Long, StoredEvent> added = new TreeMap<>(); // all of the batch, or (on an exception) nothing
        for (Event event : batch) {
            added.put(event.seqNum(), new StoredEvent(event, createdAt));
        }
        log.events().putAll(added);
        return new AppendResult.Appended(log.head());
    }

    @Override
    public synchronized List<StoredEvent> read(StoreId storeId, long after, int limit) {
        return log(storeId).events().tailMap(after, false).values().stream().limit(limit).toList();
    }

    @Override
    public synchronized long countAfter(StoreId storeId, long after) {
        return log(storeId).events().tailMap(after, false).size();
    }

    @Override
    public synchronized List<StoreInfo> stores() {
        List<StoreInfo> infos = new ArrayList<>();
        logs.forEach((id, log) -> infos.add(new StoreInfo(id, log.backendId(), log.head(), log.events().size())));
        infos.sort((a, b) -> a.storeId().compareTo(b.storeId()));
        return infos;
    }

    @Override
    public synchronized boolean delete(StoreId storeId) {
        boolean existed = logs.remove(storeId) != null;
        if (existed) {
            unwritten.deleted(storeId); // its next life gets another backendId
        }
        return existed;
    }

    @Override
    public synchronized void reset(StoreId storeId) {
        logs.put(storeId, new Log(BackendIds.random(), new TreeMap<>()));
    }

    @Override
    public void checkHealth() {
        // nothing can be down
    }

    @Override
    public void close() {
        // nothing to release
    }
}
