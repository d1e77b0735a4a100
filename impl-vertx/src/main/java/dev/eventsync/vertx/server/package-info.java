/**
 * The framing of the Vert.x server, one per transport: routing by query parameters and connect-time
 * authorization ({@link dev.eventsync.vertx.server.SyncHttpServer}), one confined handler per WebSocket connection
 * (request ids, Ack pacing, idle timeout, credential lifetime, graceful close) and one per HTTP exchange (the
 * response array, write-queue pacing), plus health, metrics endpoints and shutdown. Requests themselves go through
 * the shared {@link dev.eventsync.vertx.dispatch.RequestDispatcher}; nothing here calls the {@code SyncService}.
 */
package dev.eventsync.vertx.server;
