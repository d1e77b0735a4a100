/** The wire-level load generator: sync-cf WebSocket clients that push and pull and verify what they are sent. */
package dev.eventsync.bench.wire;
