/** The transport floor server: the least a sync-cf server can do per frame, the benchmark's upper bound. */
package dev.eventsync.bench.floor;
