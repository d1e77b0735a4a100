package dev.eventsync.core;

import dev.eventsync.api.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored event with the size of its wire encoding, computed once with the encoding, and the one rule that cuts pages: at most
 * {@code maxPullEvents} events and {@code maxPullBytes} bytes, a single larger event alone.
 */
record SizedEvent(StoredEvent event, long bytes) {

    /** The comma that separates an event from the next one in a page's {@code batch} array. */
    static final long SEPARATOR_BYTES = 1;

    /**
     * {@code event} with the exact size of its encoding in a page ({@code eventEncoded} and the
     * {@code SyncMetadata} option with its timestamp) plus its separator. The size comes with the encoding the
     * event keeps ({@link StoredEvent#encodedBytes()}), which the page then copies instead of encoding again.
     */
    static SizedEvent of(StoredEvent event) {
        return new SizedEvent(event, event.encodedBytes() + SEPARATOR_BYTES);
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
     * events and {@code maxBytes} bytes. A first event larger than {@code maxBytes} travels alone, so the
     * answer is at least 1 when {@code events} is not empty.
     */
    static int fitting(Iterable<SizedEvent> events, int maxEvents, long maxBytes) {
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
