package dev.eventsync.api;

/**
 * What a {@link SyncBackend} can do (LiveStore's {@code supports}).
 *
 * @param pullLive      pulls can stay open and deliver newly accepted events
 * @param pageInfoKnown pages carry an exact {@code remaining} ({@link PageInfo.MoreKnown}) rather than
 *                      {@link PageInfo.MoreUnknown}
 */
public record Capabilities(boolean pullLive, boolean pageInfoKnown) {
}
