/**
 * The protocol engine. {@link dev.eventsync.core.SyncEngine} is the facade ({@code SyncService}, administration,
 * shutdown); package-private parts do the work along its seams: {@code PushAdmission} (the push path, calling
 * {@code PushRules}), {@code PageReader} (pull pages), {@code Execution} (workers, injectable executor, the one
 * mapping of failures to {@code SyncError}), {@code FeedRelay} (appends of other nodes), {@code Hooks}
 * (authenticators, validators, interceptors), {@code StoreChannel} (one store's admission queue, published head and
 * live pulls) and {@code PullSubscription} (one pull's back-pressure). Also the in-process client
 * {@link dev.eventsync.core.LocalSyncBackend} and the Guice wiring ({@link dev.eventsync.core.CoreModule},
 * {@link dev.eventsync.core.EventsyncBinder}).
 */
package dev.eventsync.core;
