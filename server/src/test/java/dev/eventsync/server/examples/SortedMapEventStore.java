package dev.eventsync.server.examples;

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
 * The README's example of a storage provider: every store a sorted map behind one lock. Simple rather
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

    private Log log(StoreId store) { // reads never create a store: an unknown one is empty
        return logs.getOrDefault(store, new Log(unwritten.backendIdOf(store), new TreeMap<>()));
    }

    @Override
    public synchronized long head(StoreId store) {
        return log(store).head();
    }

    @Override
    public synchronized String backendId(StoreId store) {
        return log(store).backendId();
    }

    @Override
    public synchronized AppendResult append(StoreId store, long expectedHead, List<Event> batch, Instant createdAt) {
        Log log = logs.computeIfAbsent(store, this::log);
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
    public synchronized List<StoredEvent> read(StoreId store, long after, int limit) {
        return log(store).events().tailMap(after, false).values().stream().limit(limit).toList();
    }

    @Override
    public synchronized long countAfter(StoreId store, long after) {
        return log(store).events().tailMap(after, false).size();
    }

    @Override
    public synchronized List<StoreInfo> stores() {
        List<StoreInfo> infos = new ArrayList<>();
        logs.forEach((id, log) -> infos.add(new StoreInfo(id, log.backendId(), log.head(), log.events().size())));
        infos.sort((a, b) -> a.storeId().compareTo(b.storeId()));
        return infos;
    }

    @Override
    public synchronized boolean delete(StoreId store) {
        boolean existed = logs.remove(store) != null;
        if (existed) {
            unwritten.deleted(store); // its next life gets another backendId
        }
        return existed;
    }

    @Override
    public synchronized void reset(StoreId store) {
        logs.put(store, new Log(BackendIds.random(), new TreeMap<>()));
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
