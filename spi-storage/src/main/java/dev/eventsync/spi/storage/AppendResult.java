package dev.eventsync.spi.storage;

/** The outcome of {@link EventStore#append}. */
public sealed interface AppendResult {

    /** The batch was appended; {@code head} is its last seqNum. */
    record Appended(long head) implements AppendResult {
    }

    /** The store's head was not the expected one; nothing was appended. */
    record HeadMismatch(long actualHead) implements AppendResult {
    }
}
