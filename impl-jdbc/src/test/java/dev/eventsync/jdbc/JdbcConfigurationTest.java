package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.core.CoreModule;
import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings validation, dialect choice by URL, the Guice module, and SQLite's file configuration. */
class JdbcConfigurationTest {

    @TempDir
    Path directory;

    @Test
    void dialectIsChosenByUrl() {
        assertThat(JdbcDialects.forUrl("jdbc:sqlite:/tmp/x.db")).isInstanceOf(SqliteDialect.class);
        assertThat(JdbcDialects.forUrl("jdbc:postgresql://db:5432/app")).isInstanceOf(PostgresDialect.class);
        assertThat(JdbcDialects.forUrl("jdbc:mariadb://db/app")).isInstanceOf(MariaDbDialect.class);
        assertThat(JdbcDialects.forUrl("jdbc:mysql://db/app")).isInstanceOf(MariaDbDialect.class);
        assertThatThrownBy(() -> JdbcDialects.forUrl("jdbc:h2:mem:x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported JDBC URL 'jdbc:h2:...'")
                .hasMessageContaining("sqlite, postgresql, mariadb");
    }

    @Test
    void settingsAreValidatedAndHideThePassword() {
        JdbcSettings settings = JdbcSettings.of("jdbc:postgresql://db/app").withCredentials("app", "s3cret")
                .withMaximumPoolSize(20).withConnectionTimeout(Duration.ofSeconds(3));
        assertThat(settings.maximumPoolSize()).isEqualTo(20);
        assertThat(settings.validationTimeout()).isLessThan(settings.connectionTimeout());
        assertThat(settings.toString()).contains("app").doesNotContain("s3cret");
        assertThat(JdbcSettings.of("jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true").redactedUrl())
                .isEqualTo("jdbc:postgresql://db/app?user=app&password=****&ssl=true");
        assertThat(JdbcSettings.of("jdbc:sqlite:x").withConnectionTimeout(Duration.ofMillis(1000)).validationTimeout())
                .isLessThan(Duration.ofMillis(1000));

        assertThatThrownBy(() -> JdbcSettings.of("postgres://db/app")).hasMessageContaining("not a JDBC URL");
        assertThatThrownBy(() -> JdbcSettings.of("jdbc:sqlite:x").withMaximumPoolSize(0))
                .hasMessageContaining("maximumPoolSize");
        assertThatThrownBy(() -> JdbcSettings.of("jdbc:sqlite:x").withConnectionTimeout(Duration.ofMillis(10)))
                .hasMessageContaining("250 ms");
    }

    @Test
    void guiceModuleServesTheEngineFromSqlite() throws Exception {
        String url = "jdbc:sqlite:" + directory.resolve("module.db");
        Injector injector = Guice.createInjector(new CoreModule(), JdbcStorageModule.forUrl(url));
        SyncEngine engine = injector.getInstance(SyncEngine.class);
        EventStore store = injector.getInstance(EventStore.class);
        try {
            assertThat(store).isInstanceOf(JdbcEventStore.class).isSameAs(injector.getInstance(EventStore.class));
            StoreId id = JdbcEventStoreTestBase.uniqueStore();
            PushResult result = new LocalSyncBackend(engine, id)
                    .push(JdbcEventStoreTestBase.batch(0, 2, "g"), Optional.empty())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result.head()).hasValue(2);
            assertThat(store.head(id)).isEqualTo(2);
        } finally {
            engine.close();
            store.close();
        }
    }

    @Test
    void guiceModuleRejectsAnUnknownUrlAtInjectorCreation() {
        assertThatThrownBy(() -> Guice.createInjector(JdbcStorageModule.forUrl("jdbc:h2:mem:x")))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining("unsupported JDBC URL");
    }

    @Test
    void sqliteFileIsInWalModeWithBusyTimeout() throws Exception {
        Path file = directory.resolve("wal.db");
        try (JdbcEventStore store = JdbcEventStore.open(JdbcSettings.sqlite(file))) {
            store.head(JdbcEventStoreTestBase.uniqueStore());
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void engineAnswersTypedUnavailableWhenTheStoreCannotServe() throws Exception {
        JdbcEventStore store = JdbcEventStore.open(JdbcSettings.sqlite(directory.resolve("gone.db")));
        try (SyncEngine engine = SyncEngine.builder(store).build()) {
            StoreId id = JdbcEventStoreTestBase.uniqueStore();
            store.close();
            var push = new LocalSyncBackend(engine, id)
                    .push(JdbcEventStoreTestBase.batch(0, 1, "u"), Optional.empty()).toCompletableFuture();
            assertThatThrownBy(() -> push.get(10, TimeUnit.SECONDS))
                    .satisfies(failure -> assertThat(SyncErrorException.errorOf(failure))
                            .hasValueSatisfying(error -> assertThat(error).isInstanceOf(SyncError.Unavailable.class)));
        }
    }

    @Test
    void sqliteWriteLockHeldElsewhereIsUnavailableThenRecovers() throws Exception {
        Path file = directory.resolve("busy.db");
        StoreId id = JdbcEventStoreTestBase.uniqueStore();
        try (JdbcEventStore store = JdbcEventStore.open(JdbcSettings.sqlite(file)
                .withConnectionTimeout(Duration.ofMillis(500)))) {
            store.append(id, 0, JdbcEventStoreTestBase.batch(0, 1, "a"), java.time.Instant.now());
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                 Statement statement = other.createStatement()) {
                statement.execute("BEGIN IMMEDIATE"); // another process's writer holds the file's write lock
                assertThatThrownBy(() -> store.append(id, 1, JdbcEventStoreTestBase.batch(1, 1, "b"),
                        java.time.Instant.now()))
                        .isInstanceOf(StorageUnavailableException.class)
                        .hasMessageContaining("append on store " + id);
                assertThat(store.head(id)).as("readers are not blocked (WAL)").isEqualTo(1);
                statement.execute("ROLLBACK");
            }
            assertThat(store.append(id, 1, JdbcEventStoreTestBase.batch(1, 1, "b"), java.time.Instant.now()))
                    .isEqualTo(new dev.eventsync.spi.storage.AppendResult.Appended(2));
        }
    }

    @Test
    void unreachableDatabaseFailsStartupAsUnavailable() {
        JdbcSettings settings = JdbcSettings.sqlite(directory.resolve("missing-dir").resolve("x.db"));
        assertThatThrownBy(() -> JdbcEventStore.open(settings))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("x.db");
    }
}
