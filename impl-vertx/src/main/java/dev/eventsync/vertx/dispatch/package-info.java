/**
 * The one request pipeline of the Vert.x server, shared by both transports: {@link
 * dev.eventsync.vertx.dispatch.RequestDispatcher} decodes an RPC request into a call with its {@code CallContext},
 * runs it against the {@code SyncService} and answers with encoded messages; {@link
 * dev.eventsync.vertx.dispatch.PullRelay} bridges a pull's pages at the pace its framing allows. Nothing here knows
 * WebSocket or HTTP types (ArchUnit checks it): the framing lives in {@code dev.eventsync.vertx.server}.
 */
package dev.eventsync.vertx.dispatch;
