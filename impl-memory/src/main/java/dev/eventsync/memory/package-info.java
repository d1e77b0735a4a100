/**
 * The in-memory storage: {@link dev.eventsync.memory.InMemoryEventStore} (the reference storage; reads never block
 * appends), its Guice {@link dev.eventsync.memory.MemoryStorageModule}, and {@link
 * dev.eventsync.memory.MemoryStorageProvider}, which makes it selectable as {@code --storage memory}.
 */
package dev.eventsync.memory;
