package dev.eventsync.jdbc;

/** {@link JdbcEventStoreTestBase} on an SQLite file. */
class SqliteJdbcEventStoreTest extends JdbcEventStoreTestBase {

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.sqlite();
    }
}
