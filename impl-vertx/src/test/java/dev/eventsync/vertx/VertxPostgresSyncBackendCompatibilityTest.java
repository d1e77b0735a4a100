package dev.eventsync.vertx;

import static org.junit.jupiter.api.Assertions.fail;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Certifies the WebSocket transport as a multi-node deployment: every node is its own {@link VertxSyncServer} on
 * its own port over its own {@link SyncEngine} and {@link JdbcEventStore} pool, all on one PostgreSQL schema, so
 * that P-NODE-01 (two nodes behave as one) runs through real sockets. PostgreSQL is found as for impl-jdbc's tests
 * ({@code EVENTSYNC_TEST_PG_URL} / {@code _USER} / {@code _PASSWORD}, default 127.0.0.1:5432 database
 * {@code eventsync_test}); when it is unreachable the class is skipped, or fails when {@code CI} is set.
 */
class VertxPostgresSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    private static final String URL = env("EVENTSYNC_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/eventsync_test");
    private static final String USER = env("EVENTSYNC_TEST_PG_USER", "postgres");
    private static final String PASSWORD = env("EVENTSYNC_TEST_PG_PASSWORD", "");
    private static String schema;

    @BeforeAll
    static void createSchema() {
        String database = URL.substring(URL.lastIndexOf('/') + 1).split("\\?")[0];
        String admin = URL.substring(0, URL.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(admin, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) { // exists already: fine
                unreachable(e);
            }
        }
        schema = "es_vx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
            schema = null;
        }
    }

    @Override
    protected Server newServer() throws Exception {
        return node();
    }

    /** Another node over the same schema: its own pool, change feed, engine and Vert.x server. */
    @Override
    protected Optional<Server> newPeerNode(Server first) throws Exception {
        return Optional.of(node());
    }

    private Server node() throws Exception {
        String separator = URL.contains("?") ? "&" : "?";
        JdbcEventStore store = JdbcEventStore.open(JdbcSettings.of(URL + separator + "currentSchema=" + schema)
                .withCredentials(USER, PASSWORD).withMaximumPoolSize(4));
        SyncEngine engine = SyncEngine.builder(store).limits(limits()).build();
        return KitServers.webSocket(store, engine);
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            unreachable(e);
        }
    }

    private static void unreachable(SQLException e) {
        String message = "PostgreSQL is not usable at " + URL + " as " + USER + " (" + e.getMessage() + "); start it "
                + "(.ci/run shows how) or point EVENTSYNC_TEST_PG_URL / _USER / _PASSWORD at a server";
        if (System.getenv("CI") != null) {
            fail("CI is set, so the PostgreSQL certification must run: " + message);
        }
        Assumptions.abort(message);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
