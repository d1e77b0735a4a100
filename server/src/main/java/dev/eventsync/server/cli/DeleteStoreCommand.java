package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.server.ConfigurationException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code eventsync delete-store <storeId> --url http://host:port --admin-token T}: deletes a store on a running
 * server through its admin API (events and backendId; connected clients get {@code BackendIdMismatch}). A store
 * that does not exist is an error (exit code 2, "no store ..."), as in the admin API, and changes nothing.
 */
@CommandLine.Command(name = "delete-store", mixinStandardHelpOptions = true,
        description = "Deletes a store on a running server (admin API): its events and backendId are gone. "
                + "A store id that starts with '-' goes after '--'.")
final class DeleteStoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(paramLabel = "STORE_ID", description = "The store to delete.")
    String storeId;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "A properties file with option values.")
    String configFile;

    @CommandLine.Mixin
    ClientOptions client = new ClientOptions();

    @Override
    public Integer call() {
        ClientOptions.quietClientLogs();
        StoreId id = storeIdOf(storeId);
        AdminClient admin = client.adminClient();
        if (!admin.delete(id)) {
            throw new ConfigurationException("no store '" + id + "' at " + AdminClient.httpBase(client.urlOrDefault())
                    + "; nothing was deleted (check the store id: eventsync stores --url ...)");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("deleted store " + id + " at " + AdminClient.httpBase(client.urlOrDefault()));
        out.flush();
        return 0;
    }

    /** {@code value} as a store id, or a one-line {@link ConfigurationException} saying what a store id is. */
    static StoreId storeIdOf(String value) {
        try {
            return StoreId.of(value);
        } catch (SyncErrorException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }
}
