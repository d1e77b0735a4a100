/**
 * The server side on Vert.x: routing by query parameters, one confined handler per WebSocket connection, HTTP
 * exchanges, back-pressure, limits, health, metrics and graceful shutdown.
 */
package dev.eventsync.vertx.server;
