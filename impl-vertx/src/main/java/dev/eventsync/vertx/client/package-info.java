/**
 * The client side on Vert.x: the WebSocket and HTTP implementations behind
 * {@link dev.eventsync.vertx.VertxSyncBackend}.
 */
package dev.eventsync.vertx.client;
