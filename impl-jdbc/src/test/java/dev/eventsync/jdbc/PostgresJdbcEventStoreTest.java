package dev.eventsync.jdbc;

/** {@link JdbcEventStoreTestBase} on PostgreSQL (a fresh schema per test). */
class PostgresJdbcEventStoreTest extends JdbcEventStoreTestBase {

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
