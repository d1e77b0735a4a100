package dev.eventsync.api;

/**
 * Facts about global sequence numbers. They are non-negative longs assigned by clients; the server
 * orders but never renumbers them. {@link #ROOT} is the head of an empty store.
 */
public final class SeqNums {

    /** The head of an empty store: the parent of the first event. */
    public static final long ROOT = 0L;

    /** The largest number a LiveStore (JavaScript) client can represent exactly: 2^53 - 1. */
    public static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;

    private SeqNums() {
    }
}
