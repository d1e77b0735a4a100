package dev.eventsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.bench.wire.LoadGenerator;
import dev.eventsync.bench.wire.Workload;
import dev.eventsync.jdbc.JdbcDialects;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The raw-JDBC baseline of {@code postgresql-16x1-raw} on the local PostgreSQL of {@code .ci/run}: its writers
 * append chained batches to their own stores, and what they count is what the tables hold afterwards.
 */
class RawJdbcLoadTest {

    @Test
    void writersAppendChainedBatchesAndTheTablesHoldExactlyWhatTheyCounted() throws Exception {
        try (BenchDatabase db = BenchDatabase.create("postgresql")) {
            JdbcSettings settings = db.settings().withMaximumPoolSize(3);
            try (JdbcEventStore migrated = JdbcEventStore.open(settings.withChangeFeed(false))) {
                migrated.checkHealth();
            }
            Workload workload = Workload.push(3, 1, 7, false).withTimes(Duration.ofMillis(300), Duration.ofMillis(300));

            LoadGenerator.Outcome outcome = RawJdbcLoad.run(settings, JdbcDialects.forUrl(settings.url()), workload,
                    LoadGenerator.Window.NONE);

            assertThat(outcome.problems()).isEmpty();
            assertThat(outcome.verified()).isTrue();
            try (Connection connection = DriverManager.getConnection(settings.url(), settings.username().orElse(null),
                    settings.password().filter(p -> !p.isEmpty()).orElse(null));
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT store_id),"
                         + " SUM(CASE WHEN parent_seq_num = seq_num - 1 AND ord = seq_num"
                         + " AND args LIKE '{\"id\":\"s' || seq_num || '.raw-client-%' THEN 1 ELSE 0 END)"
                         + " FROM eventsync_event")) {
                rows.next();
                assertThat(rows.getLong(1)).as("rows").isEqualTo(outcome.verdict().received())
                        .isEqualTo(rows.getLong(3)).isPositive();
                assertThat(rows.getLong(1) % 7).as("whole batches only").isZero();
                assertThat(rows.getLong(2)).as("stores written").isBetween(1L, 3L);
            }
        }
    }
}
