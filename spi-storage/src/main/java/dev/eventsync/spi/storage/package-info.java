/**
 * The storage SPI: {@link dev.eventsync.spi.storage.EventStore} (its Javadoc is the contract the storage kit
 * checks), the optional cross-node {@link dev.eventsync.spi.storage.ChangeFeed}, and {@link
 * dev.eventsync.spi.storage.StorageProvider}, through which a storage on the classpath becomes selectable by name.
 * No framework types.
 */
package dev.eventsync.spi.storage;
