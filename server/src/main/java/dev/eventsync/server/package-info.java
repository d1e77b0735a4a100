/**
 * The reference server's composition root: {@link dev.eventsync.server.Eventsync#builder()} assembles the engine,
 * the storage chosen by name ({@link dev.eventsync.server.StorageSelectionModule}: every storage on the classpath
 * contributes itself) and the Vert.x transport from a {@link dev.eventsync.server.ServerConfig};
 * {@link dev.eventsync.server.EventsyncServer} starts and stops them in order.
 */
package dev.eventsync.server;
