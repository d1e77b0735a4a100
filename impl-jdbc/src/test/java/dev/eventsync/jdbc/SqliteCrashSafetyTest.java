package dev.eventsync.jdbc;

/** {@link CrashSafetyTestBase} on an SQLite file (WAL). */
class SqliteCrashSafetyTest extends CrashSafetyTestBase {

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.sqlite();
    }
}
