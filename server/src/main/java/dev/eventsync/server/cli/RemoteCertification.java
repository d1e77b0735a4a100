package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol kit pointed at a server by URL: every client is a {@link VertxSyncBackend} of the wire
 * protocol, so this certifies any LiveStore sync-cf compatible server, not only ours. Run by
 * {@code eventsync certify}, which hands it a {@link Run} before the kit starts.
 */
public class RemoteCertification extends SyncBackendCompatibilityKit {

    /**
     * What one {@code certify} run needs: where the server is, how to reach it, what it declares, and the
     * {@code certify-<runid>} prefix of every store the run creates ({@link #stores} records them).
     */
    record Run(URI url, VertxClientSettings.Transport transport, Optional<String> authToken,
               Optional<String> scopedTokenTemplate, Optional<SyncLimits> declaredLimits, Optional<AdminApi> admin,
               String storePrefix, Duration timeout, Vertx vertx, Optional<java.nio.file.Path> caCert,
               Set<StoreId> stores) {

        Run(URI url, VertxClientSettings.Transport transport, Optional<String> authToken,
            Optional<String> scopedTokenTemplate, Optional<SyncLimits> declaredLimits, Optional<AdminApi> admin,
            String storePrefix, Duration timeout, Vertx vertx, Optional<java.nio.file.Path> caCert) {
            this(url, transport, authToken, scopedTokenTemplate, declaredLimits, admin, storePrefix, timeout, vertx,
                    caCert, ConcurrentHashMap.newKeySet());
        }

        /** The sync payload that carries {@code token}, as LiveStore's {@code syncPayload: {authToken}}. */
        static String payloadOf(String token) {
            return "{\"authToken\":" + dev.eventsync.api.json.ProtocolJson.write(token) + "}";
        }

        VertxSyncBackend client(StoreId store, Optional<String> token) {
            stores.add(store);
            VertxClientSettings settings = trusting(VertxClientSettings.of(url, store).withTransport(transport)
                    .withRequestTimeout(timeout)
                    // LiveStore's HTTP client polls every 5 s; the kit waits for deliveries, so it polls often
                    .withPollInterval(Duration.ofMillis(50)), caCert);
            return VertxSyncBackend.create(vertx, token.map(Run::payloadOf).map(settings::withPayload).orElse(settings));
        }
    }

    /** The run of the current {@code certify}; set before the kit starts, cleared after it. */
    private static volatile Run run;

    static void use(Run current) {
        run = current;
    }

    private static Run run() {
        Run current = run;
        if (current == null) {
            throw new IllegalStateException("RemoteCertification runs from `eventsync certify`, which sets its target");
        }
        return current;
    }

    @Override
    protected Server newServer() {
        Run current = run();
        Server server = Server.of(store -> current.client(store, current.authToken()), () -> {
        });
        if (current.authToken().isPresent()) {
            Optional<java.util.function.Function<StoreId, String>> scoped = current.scopedTokenTemplate()
                    .map(template -> store -> template.replace("{storeId}", store.value()));
            server = server.withAuth(new Auth(current.authToken().get(), scoped), current::client);
        }
        if (current.admin().isPresent()) {
            AdminApi admin = current.admin().get();
            server = server.withReset(admin::reset);
        }
        return server;
    }

    @Override
    protected Optional<SyncLimits> enforcedPushLimits() {
        return run().declaredLimits();
    }

    @Override
    protected Duration timeout() {
        return run().timeout();
    }

    @Override
    protected String storePrefix() {
        return run().storePrefix();
    }

    /** A client of {@code store}, for a quick reachability check before the kit runs. */
    static VertxSyncBackend probe(URI url, VertxClientSettings.Transport transport, Optional<String> token,
                                  Optional<java.nio.file.Path> caCert) {
        VertxClientSettings settings = trusting(VertxClientSettings.of(url, StoreId.of("eventsync-certify-probe"))
                .withTransport(transport), caCert);
        return VertxSyncBackend.create(token.map(Run::payloadOf).map(settings::withPayload).orElse(settings));
    }

    /** {@code settings} trusting the certificates of {@code caCert} (certify's {@code --ca-cert}), if given. */
    static VertxClientSettings trusting(VertxClientSettings settings, Optional<java.nio.file.Path> caCert) {
        return caCert.map(settings::withTrustedCertificates).orElse(settings);
    }
}
