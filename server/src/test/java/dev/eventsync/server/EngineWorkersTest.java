package dev.eventsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.eventsync.core.CoreModule;
import dev.eventsync.core.EngineSettings;
import dev.eventsync.server.cli.ServeCommandAccess;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine a server runs gets at least as many storage workers as its database pool has connections, so that
 * appends to many stores reach the database at once (issue 13: with 4 workers, 16 stores pushing on PostgreSQL had 4
 * appends in the database at a time while the pool held 10 connections).
 */
class EngineWorkersTest {

    private static EngineSettings engineOf(ServerConfig config) {
        return Guice.createInjector(new CoreModule(), new StorageSelectionModule(config), new ServerModule(config))
                .getInstance(EngineSettings.class);
    }

    @Test
    void aDatabaseStorageGetsAWorkerPerPooledConnection(@TempDir Path dir) {
        ServerConfig config = ServeCommandAccess.parse(Map.of("EVENTSYNC_MAX_IDLE_STORES", "9"), new Properties(),
                "--storage", "sqlite:" + dir.resolve("events.db"), "--db-pool-size", "64");
        EngineSettings engine = engineOf(config);
        assertThat(engine.workerThreads()).isEqualTo(Math.max(64, EngineSettings.DEFAULTS.workerThreads()));
        assertThat(engine.maxIdleStores()).isEqualTo(9);
        assertThat(engine.queueCapacity()).isEqualTo(EngineSettings.DEFAULTS.queueCapacity());
    }

    @Test
    void aSmallPoolKeepsTheDefaultWorkers(@TempDir Path dir) {
        ServerConfig config = ServeCommandAccess.parse(Map.of(), new Properties(),
                "--storage", "sqlite:" + dir.resolve("events.db"), "--db-pool-size", "1");
        assertThat(engineOf(config).workerThreads()).isEqualTo(EngineSettings.DEFAULTS.workerThreads());
    }

    @Test
    void memoryStorageHasNoPoolToMatch() {
        ServerConfig config = ServeCommandAccess.parse(Map.of(), new Properties(),
                "--storage", "memory", "--db-pool-size", "64");
        assertThat(engineOf(config).workerThreads()).isEqualTo(EngineSettings.DEFAULTS.workerThreads());
        assertThat(engineOf(config).maxIdleStores()).isEqualTo(EngineSettings.DEFAULT_MAX_IDLE_STORES);
    }
}
