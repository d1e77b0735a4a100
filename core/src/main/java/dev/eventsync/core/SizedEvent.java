package dev.eventsync.core;

import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.json.ProtocolJson;
import java.util.ArrayList;
import java.util.List;

/** A stored event with the size of its wire encoding, computed once, for cutting pages by bytes. */
record SizedEvent(StoredEvent event, long bytes) {

    /**
     * Bytes a pulled event adds to a page beyond the event itself: the {@code eventEncoded} wrapper and
     * the {@code SyncMetadata} option with its timestamp.
     */
    static final long ENVELOPE_BYTES = 120;

    static SizedEvent of(StoredEvent event) {
        return new SizedEvent(event, ProtocolJson.encodedSize(event.event()) + ENVELOPE_BYTES);
    }

    static List<SizedEvent> ofAll(List<StoredEvent> events) {
        List<SizedEvent> sized = new ArrayList<>(events.size());
        for (StoredEvent e : events) {
            sized.add(of(e));
        }
        return sized;
    }

    long seqNum() {
        return event.seqNum();
    }

    /**
     * How many of {@code events}, taken from the front, fit in one page of at most {@code maxEvents}
     * events and {@code maxBytes} bytes. A first event larger than {@code maxBytes} travels alone.
     */
    static int fitting(List<SizedEvent> events, int maxEvents, long maxBytes) {
        long bytes = 0;
        int n = 0;
        for (SizedEvent e : events) {
            if (n == maxEvents || (n > 0 && bytes + e.bytes() > maxBytes)) {
                break;
            }
            bytes += e.bytes();
            n++;
        }
        return n;
    }
}
