package dev.eventsync.server.cli;

import dev.eventsync.server.ConfigurationException;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code eventsync stores}: lists the stores of a storage with their head and event count, reading the
 * storage directly (safe next to a running server: reads only).
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

    @Override
    public Integer call() {
        ServeCommand.setLogLevel("WARN");
        StorageSpec spec = StorageSpec.parse(storage);
        if (spec.kind().equals("memory")) {
            throw new ConfigurationException("memory storage lives inside the server process; "
                    + "use `inspect --url` to look at a running server, or point --storage at a file or database");
        }
        ServerConfig config = ServerConfig.defaults();
        config = new ServerConfig(config.host(), config.port(), spec, Optional.ofNullable(dbUser),
                Optional.ofNullable(dbPassword), 2, config.limits(), Optional.empty(), Optional.empty(),
                config.shutdownGrace(), config.http());
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
}
