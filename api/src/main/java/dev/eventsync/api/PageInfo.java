package dev.eventsync.api;

/**
 * What a pull page says about the events after it. Every page of a live pull that carries newly
 * accepted events has {@link NoMore}; the last backlog page too.
 */
public sealed interface PageInfo {

    PageInfo NO_MORE = new NoMore();
    PageInfo MORE_UNKNOWN = new MoreUnknown();

    static PageInfo moreKnown(long remaining) {
        return remaining == 0 ? NO_MORE : new MoreKnown(remaining);
    }

    /** This page ends the backlog. */
    record NoMore() implements PageInfo {
    }

    /** Exactly {@code remaining} events followed this page when it was read. */
    record MoreKnown(long remaining) implements PageInfo {
        public MoreKnown {
            if (remaining <= 0) {
                throw new IllegalArgumentException("MoreKnown needs remaining > 0, got " + remaining);
            }
        }
    }

    /** More events follow, but the provider cannot count them. */
    record MoreUnknown() implements PageInfo {
    }
}
