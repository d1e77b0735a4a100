package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import dev.eventsync.server.ConfigurationException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few calls {@code certify} makes to an Eventsync server's admin API (docs/admin.md), through
 * {@link AdminClient}: reset a store and delete one.
 */
final class AdminApi {

    private final AdminClient client;

    /** The admin API of the server whose sync URL is {@code syncUrl} (ws:// or http://, any path). */
    AdminApi(URI syncUrl, String token) {
        this(syncUrl, token, Optional.empty());
    }

    /** The same, trusting the certificates of the PEM file {@code caCert} over TLS (see {@code --ca-cert}). */
    AdminApi(URI syncUrl, String token, Optional<Path> caCert) {
        this.client = new AdminClient(syncUrl, token, ClientOptions.sslContext(caCert));
    }

    /**
     * Checks, before a run, that the admin API answers with this token (lists the stores); a wrong token or a
     * server without the admin API is a {@link ConfigurationException} naming {@code --admin-token}.
     */
    void check() {
        try {
            client.stores();
        } catch (ConfigurationException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConfigurationException("--admin-token: the admin API did not accept it ("
                    + (reason.length() > 300 ? reason.substring(0, 300) + "…" : reason)
                    + "); give the server's admin token, or leave --admin-token out");
        }
    }

    /** Resets {@code store}: no events, a new backendId; fails with {@link IllegalStateException}. */
    void reset(StoreId store) {
        try {
            client.reset(store);
        } catch (ConfigurationException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code store}; true once it is gone from the server: deleted now, or never created (the kit records
     * every store it names, and a store only pulled from does not exist). Fails when the server refuses.
     */
    boolean delete(StoreId store) {
        try {
            client.delete(store); // false: there was no such store, which is as good here
            return true;
        } catch (ConfigurationException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
