package dev.eventsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.server.ConfigurationException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code eventsync delete-store <storeId> --url http://host:port --admin-token T}: deletes a store on a running
 * server through its admin API (events and backendId; connected clients get {@code BackendIdMismatch}). Deleting
 * a store that does not exist succeeds and says so, so that scripts may run it twice.
 */
@CommandLine.Command(name = "delete-store", mixinStandardHelpOptions = true,
        description = "Deletes a store on a running server (admin API): its events and backendId are gone.")
final class DeleteStoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(paramLabel = "STORE_ID", description = "The store to delete.")
    String storeId;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "A properties file with option values.")
    String configFile;

    @CommandLine.Option(names = "--url", defaultValue = "http://127.0.0.1:8787",
            description = "The server (http://, https://, ws:// or wss://host:port). Default: ${DEFAULT-VALUE}.")
    URI url;

    @CommandLine.Option(names = "--admin-token", description = "The server's --admin-token (or EVENTSYNC_ADMIN_TOKEN).")
    String adminToken;

    @Override
    public Integer call() {
        StoreId id;
        try {
            id = StoreId.of(storeId);
        } catch (SyncErrorException e) {
            throw new ConfigurationException(e.getMessage());
        }
        JsonNode result = new AdminClient(url, adminToken).delete(id);
        PrintWriter out = spec.commandLine().getOut();
        out.println(result.path("deleted").asBoolean()
                ? "deleted store " + id + " at " + AdminClient.httpBase(url)
                : "store " + id + " did not exist at " + AdminClient.httpBase(url) + "; nothing to delete");
        out.flush();
        return 0;
    }
}
