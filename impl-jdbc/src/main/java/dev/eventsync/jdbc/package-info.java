/** JDBC storage for Eventsync: SQLite (embedded default), PostgreSQL (multi-node) and MariaDB/MySQL. */
package dev.eventsync.jdbc;
