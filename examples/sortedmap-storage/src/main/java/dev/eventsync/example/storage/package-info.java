/**
 * A third-party storage as a user would ship one, outside the Eventsync modules: {@link
 * dev.eventsync.example.storage.SortedMapEventStore} (the README's example) and its {@link
 * dev.eventsync.example.storage.SortedMapStorageProvider}. Its tests prove that a storage jar on the server's
 * classpath is selectable with {@code --storage sortedmap} with no change to the server.
 */
package dev.eventsync.example.storage;
