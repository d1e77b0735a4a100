package dev.eventsync.api;

import java.util.List;
import java.util.Objects;

/**
 * One page of a pull: events in ascending seqNum order, what follows them, and the store's backendId.
 * An empty store answers exactly one page {@code {batch: [], pageInfo: NoMore}}.
 */
public record PullPage(List<StoredEvent> batch, PageInfo pageInfo, String backendId) {

    public PullPage {
        batch = List.copyOf(batch);
        Objects.requireNonNull(pageInfo, "pageInfo");
        Objects.requireNonNull(backendId, "backendId");
    }

    public boolean isEmpty() {
        return batch.isEmpty();
    }

    /** The seqNum of the last event, if any. */
    public java.util.OptionalLong lastSeqNum() {
        return batch.isEmpty() ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(batch.get(batch.size() - 1).seqNum());
    }
}
