package dev.eventsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.server.ConfigurationException;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code eventsync stores}: lists the stores with their head, event count and backendId. With {@code --url} it
 * asks a running server's admin API (and shows live subscribers and the last push time too); otherwise it reads
 * the storage directly (safe next to a running server: reads only). It never creates anything: a storage
 * setting that names no Eventsync data (a mistyped SQLite path, another database) fails with one line.
 */
@CommandLine.Command(name = "stores", mixinStandardHelpOptions = true,
        description = "Lists the stores with their head, event count and backendId.")
final class StoresCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "A properties file with option values.")
    String configFile;

    @CommandLine.Option(names = "--storage", defaultValue = "sqlite:" + StorageSpec.DEFAULT_SQLITE_FILE,
            description = "The server's storage (as for serve). Default: ${DEFAULT-VALUE}.")
    String storage;

    @CommandLine.Option(names = "--db-user", description = "Database user.")
    String dbUser;

    @CommandLine.Option(names = "--db-password", description = "Database password.")
    String dbPassword;

    /** With {@code --url}: the running server's admin API instead of the storage. */
    @CommandLine.Mixin
    ClientOptions client = new ClientOptions();

    @Override
    public Integer call() {
        ClientOptions.quietClientLogs();
        if (client.url != null) {
            return fromServer();
        }
        StorageSpec spec = StorageSpec.parse(storage);
        if (spec.kind().equals("memory")) {
            throw new ConfigurationException("memory storage lives inside the server process; "
                    + "ask the running server with --url http://host:port --admin-token T, or point --storage at a file or database");
        }
        ServerConfig config = ServerConfig.defaults();
        config = new ServerConfig(config.host(), config.port(), spec, Optional.ofNullable(dbUser),
                Optional.ofNullable(dbPassword), 2, config.limits(), Optional.empty(), Optional.empty(),
                config.shutdownGrace(), config.http(), config.changeFeedInterval(), config.resources());
        requireExistingData(config);
        try (EventStore storage = Eventsync.openStorage(config)) {
            List<StoreInfo> stores = storage.stores();
            PrintWriter out = this.spec.commandLine().getOut();
            out.printf("%-40s %12s %12s  %s%n", "STORE", "HEAD", "EVENTS", "BACKEND ID");
            for (StoreInfo info : stores) {
                out.printf("%-40s %12d %12d  %s%n", info.storeId(), info.head(), info.eventCount(), info.backendId());
            }
            out.printf("%d store(s) in %s%n", stores.size(), spec.describe());
            out.flush();
        }
        return 0;
    }

    private int fromServer() {
        JsonNode stores = client.adminClient().stores().path("stores");
        PrintWriter out = this.spec.commandLine().getOut();
        out.printf("%-40s %12s %12s %11s  %-24s  %s%n", "STORE", "HEAD", "EVENTS", "SUBSCRIBERS", "LAST PUSH",
                "BACKEND ID");
        for (JsonNode s : stores) {
            out.printf("%-40s %12d %12d %11d  %-24s  %s%n", s.path("storeId").asText(), s.path("head").asLong(),
                    s.path("eventCount").asLong(), s.path("liveSubscribers").asInt(),
                    s.path("lastPushAt").isNull() ? "-" : s.path("lastPushAt").asText(), s.path("backendId").asText());
        }
        out.printf("%d store(s) at %s%n", stores.size(), AdminClient.httpBase(client.url));
        out.flush();
        return 0;
    }

    /**
     * Fails unless {@code config} names a database that already holds Eventsync's tables, so that a
     * mistyped setting does not create a database (SQLite creates a missing file on connect) or a schema.
     */
    private static void requireExistingData(ServerConfig config) {
        String url = config.storage().target();
        if (!url.startsWith("jdbc:")) {
            return; // a storage contributed by a deployment: it knows its own rules
        }
        if (url.startsWith("jdbc:sqlite:")) {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()).replaceFirst("^file:", "")
                    .replaceFirst("\\?.*$", ""));
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException("no SQLite database at " + file.toAbsolutePath().normalize()
                        + "; check --storage (stores only reads: it never creates a database)");
            }
        }
        try (Connection connection = DriverManager.getConnection(url, config.dbUser().orElse(null),
                config.dbPassword().orElse(null));
             Statement probe = connection.createStatement()) {
            probe.executeQuery("SELECT store_id FROM eventsync_store WHERE 1 = 0").close();
        } catch (SQLException e) {
            String state = String.valueOf(e.getSQLState());
            boolean noTable = state.equals("42P01") || state.equals("42S02")
                    || String.valueOf(e.getMessage()).contains("no such table");
            throw new ConfigurationException(noTable
                    ? "no Eventsync data in " + config.storage().describe() + " (no eventsync_store table); check"
                            + " --storage (stores only reads: it never creates a schema)"
                    : "cannot read " + config.storage().describe() + ": " + String.valueOf(e.getMessage())
                            .replace('\n', ' ') + "; check --storage, --db-user and --db-password", e);
        }
    }
}
