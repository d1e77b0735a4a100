package dev.eventsync.core;

import dev.eventsync.api.Event;
import java.util.ArrayList;
import java.util.List;

/** Event batches for tests. */
final class Events {

    private Events() {
    }

    /** {@code count} chained events after {@code parent}, numbered parent+1, parent+2, ... */
    static List<Event> chain(long parent, int count, String client) {
        return chain(parent, count, client, "{\"n\":%d}");
    }

    static List<Event> chain(long parent, int count, String client, String argsFormat) {
        List<Event> batch = new ArrayList<>(count);
        long prev = parent;
        for (int i = 0; i < count; i++) {
            long seq = prev + 1;
            batch.add(Event.of("todoCreated-v1", String.format(argsFormat, seq), seq, prev, client, "session-" + client));
            prev = seq;
        }
        return batch;
    }

    /** One event with {@code bytes} of padding in its args. */
    static Event sized(long seq, long parent, int bytes) {
        return Event.of("blob-v1", "{\"text\":\"" + "x".repeat(bytes) + "\"}", seq, parent, "c", "s");
    }
}
