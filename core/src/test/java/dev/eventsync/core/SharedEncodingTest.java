package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each stored event is encoded once where the engine can share it: every live subscriber of a store gets the same
 * {@link StoredEvent} instances (so one kept encoding, and identical page bytes), repeated catch-up pulls of a
 * memory store get the instances it keeps, and an event read back from storage encodes to the bytes its live page
 * carried.
 */
class SharedEncodingTest {

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final SyncEngine engine = SyncEngine.builder(store).build();
    private final StoreId storeId = StoreId.of("shared-encoding");
    private final CallContext ctx = CallContext.local(storeId);

    @AfterEach
    void stop() {
        engine.close();
    }

    private PullProbe pull(boolean live) {
        PullProbe probe = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), live).subscribe(probe);
        return probe;
    }

    private static List<StoredEvent> nonEmpty(PullProbe probe) {
        List<StoredEvent> events = new ArrayList<>();
        probe.pages.stream().filter(p -> !p.isEmpty()).forEach(p -> events.addAll(p.batch()));
        return events;
    }

    @Test
    void liveSubscribersShareEventsAndGetIdenticalPageBytes() {
        List<PullProbe> subscribers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            subscribers.add(pull(true).awaitPages(1));
        }
        List<Event> batch = Events.chain(0, 20, "fan", "{\"n\":%d,\"s\":\"é\\u00e9😀\\n\"}");
        join(engine.push(ctx, batch, Optional.empty()));
        subscribers.forEach(s -> s.awaitEvents(20));
        List<StoredEvent> first = nonEmpty(subscribers.get(0));
        assertThat(first).extracting(StoredEvent::event).containsExactlyElementsOf(batch);
        for (PullProbe s : subscribers) {
            List<StoredEvent> events = nonEmpty(s);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i)).as("subscribers share the published event").isSameAs(first.get(i));
                assertThat(events.get(i).encoded()).isSameAs(first.get(i).encoded());
            }
            List<String> pages = s.pages.stream().filter(p -> !p.isEmpty()).map(ProtocolJson::write).toList();
            List<String> firstPages = subscribers.get(0).pages.stream().filter(p -> !p.isEmpty())
                    .map(ProtocolJson::write).toList();
            assertThat(String.join("", pages)).isEqualTo(String.join("", firstPages));
        }
    }

    @Test
    void eventsReadBackFromMemoryStorageAreTheLivePagesEventsAndKeepTheirEncoding() {
        PullProbe live = pull(true).awaitPages(1);
        List<Event> batch = Events.chain(0, 30, "read", "{\"n\":%d,\"t\":\"\\\"q\\\" \\\\ </x>\"}");
        join(engine.push(ctx, batch, Optional.empty()));
        live.awaitEvents(30);
        PullProbe first = pull(false).awaitTermination();
        PullProbe second = pull(false).awaitTermination();
        List<StoredEvent> fromLive = nonEmpty(live);
        List<StoredEvent> fromStorage = nonEmpty(first);
        assertThat(fromStorage).isEqualTo(fromLive);
        for (int i = 0; i < fromStorage.size(); i++) {
            assertThat(fromStorage.get(i).encoded()).isEqualTo(fromLive.get(i).encoded())
                    .isEqualTo(ProtocolJson.encodeStoredEvent(fromLive.get(i)));
            assertThat(fromStorage.get(i).encodedBytes()).isEqualTo(ProtocolJson.encodedSize(fromLive.get(i)));
            // the memory store keeps its stored events: a second catch-up pull reuses the first one's encodings
            assertThat(nonEmpty(second).get(i)).isSameAs(fromStorage.get(i));
        }
        assertThat(store.read(storeId, 0, 30).get(7)).isSameAs(fromStorage.get(7));
    }
}
