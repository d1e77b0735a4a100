package dev.eventsync.jdbc;

/** {@link CrashSafetyTestBase} on PostgreSQL. */
class PostgresCrashSafetyTest extends CrashSafetyTestBase {

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
