/** Benchmarks for Eventsync: JMH append throughput of the JDBC store against a raw-JDBC baseline. */
package dev.eventsync.bench;
