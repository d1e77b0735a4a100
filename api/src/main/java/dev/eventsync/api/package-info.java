/**
 * The protocol model, free of frameworks: {@link dev.eventsync.api.StoreId}, {@link dev.eventsync.api.Event} (args as
 * raw JSON), {@link dev.eventsync.api.PullCursor}, {@link dev.eventsync.api.PullPage} with
 * {@link dev.eventsync.api.PageInfo}, {@link dev.eventsync.api.PushResult}, the typed
 * {@link dev.eventsync.api.SyncError}s, {@link dev.eventsync.api.SyncLimits}, the client interface
 * {@link dev.eventsync.api.SyncBackend}, and {@link dev.eventsync.api.PushRules}, the only home of the push
 * validation rules (PROTOCOL.md, push steps 2 to 5).
 */
package dev.eventsync.api;
