package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import java.util.AbstractList;
import java.util.List;

/**
 * A batch that fails part-way: reading the event at {@code failAt} (or later) throws. The storage kit
 * hands it to {@code EventStore.append} to check that a failure in the middle of a batch leaves nothing
 * behind, without knowing anything about the store's internals.
 */
public final class FailingBatch extends AbstractList<Event> {

    /** The exception the batch throws; a store may wrap it. */
    public static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(int index) {
            super("compatibility kit: injected failure while reading event #" + index + " of the batch");
        }
    }

    private final List<Event> events;
    private final int failAt;

    public FailingBatch(List<Event> events, int failAt) {
        this.events = List.copyOf(events);
        this.failAt = failAt;
    }

    @Override
    public Event get(int index) {
        if (index >= failAt) {
            throw new InjectedFailure(index);
        }
        return events.get(index);
    }

    @Override
    public int size() {
        return events.size();
    }
}
