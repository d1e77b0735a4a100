package dev.eventsync.api;

/**
 * The limits a server enforces. The defaults accept everything a LiveStore 0.4 client sends
 * (at most 100 events and about 900 kB per push) and page pulls the way sync-cf does.
 *
 * @param maxPushEvents        most events in one push
 * @param maxPushBytes         most bytes of encoded event JSON in one push
 * @param maxPullEvents        most events in one pull page
 * @param maxPullBytes         most bytes of encoded event JSON in one pull page (a single larger event
 *                             travels alone in its page)
 * @param liveBufferEvents     events a live subscriber may have waiting before it is switched back to
 *                             catch-up reads from storage
 */
public record SyncLimits(int maxPushEvents, long maxPushBytes, int maxPullEvents, long maxPullBytes,
                         int liveBufferEvents) {

    public static final SyncLimits DEFAULTS = new SyncLimits(100, 900_000, 100, 900_000, 10_000);

    public SyncLimits {
        requirePositive("maxPushEvents", maxPushEvents);
        requirePositive("maxPushBytes", maxPushBytes);
        requirePositive("maxPullEvents", maxPullEvents);
        requirePositive("maxPullBytes", maxPullBytes);
        requirePositive("liveBufferEvents", liveBufferEvents);
    }

    public static SyncLimits defaults() {
        return DEFAULTS;
    }

    public SyncLimits withMaxPushEvents(int value) {
        return new SyncLimits(value, maxPushBytes, maxPullEvents, maxPullBytes, liveBufferEvents);
    }

    public SyncLimits withMaxPushBytes(long value) {
        return new SyncLimits(maxPushEvents, value, maxPullEvents, maxPullBytes, liveBufferEvents);
    }

    public SyncLimits withMaxPullEvents(int value) {
        return new SyncLimits(maxPushEvents, maxPushBytes, value, maxPullBytes, liveBufferEvents);
    }

    public SyncLimits withMaxPullBytes(long value) {
        return new SyncLimits(maxPushEvents, maxPushBytes, maxPullEvents, value, liveBufferEvents);
    }

    public SyncLimits withLiveBufferEvents(int value) {
        return new SyncLimits(maxPushEvents, maxPushBytes, maxPullEvents, maxPullBytes, value);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
