/**
 * The Vert.x transport: {@link dev.eventsync.vertx.VertxSyncServer} serves a
 * {@link dev.eventsync.spi.transport.SyncService} with LiveStore's sync-cf protocol over WebSocket and HTTP, plus
 * health and Prometheus metrics; {@link dev.eventsync.vertx.VertxSyncBackend} is the matching Java client;
 * {@link dev.eventsync.vertx.VertxTransportModule} wires the server with Guice.
 */
package dev.eventsync.vertx;
