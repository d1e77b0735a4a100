/**
 * The kit's seeded property engine: generators ({@code Gen}), histories of storage operations and protocol calls,
 * the history checker's invariants, and the shrinker that reports the shortest failing history with its seed.
 */
package dev.eventsync.tck.property;
