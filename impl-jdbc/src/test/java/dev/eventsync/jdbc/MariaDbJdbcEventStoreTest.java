package dev.eventsync.jdbc;

/** {@link JdbcEventStoreTestBase} on MariaDB (a fresh database per test). */
class MariaDbJdbcEventStoreTest extends JdbcEventStoreTestBase {

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.mariadb();
    }
}
