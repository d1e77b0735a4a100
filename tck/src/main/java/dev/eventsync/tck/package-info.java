/**
 * The compatibility kit, shipped as main code: {@link dev.eventsync.tck.EventStoreCompatibilityKit} (storage level)
 * and {@link dev.eventsync.tck.SyncBackendCompatibilityKit} (protocol level, through {@code SyncBackend}), the rule
 * catalogue {@link dev.eventsync.tck.Rule} (tck/SPEC.md) and the failure reports that name the rule, the history and
 * the seed.
 */
package dev.eventsync.tck;
