package dev.eventsync.api;

/** Where a {@link SyncBackend}'s connection to its server stands. */
public enum ConnectionState {
    /** Not connected yet, or the connection was lost and no attempt is under way. */
    DISCONNECTED,
    /** Connecting or reconnecting. */
    CONNECTING,
    /** Connected: pushes and pulls can reach the server. */
    CONNECTED,
    /** Closed by its owner; it will not connect again. */
    CLOSED
}
