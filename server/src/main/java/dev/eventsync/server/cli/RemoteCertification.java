package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Optional;

/**
 * The protocol kit pointed at a server by URL: every client is a {@link VertxSyncBackend} of the wire
 * protocol, so this certifies any LiveStore sync-cf compatible server, not only ours. Run by
 * {@code eventsync certify}, which sets {@value #URL_PROPERTY} (and optionally {@value #PAYLOAD_PROPERTY}).
 */
public class RemoteCertification extends SyncBackendCompatibilityKit {

    static final String URL_PROPERTY = "eventsync.certify.url";
    static final String PAYLOAD_PROPERTY = "eventsync.certify.payload";
    static final String TRANSPORT_PROPERTY = "eventsync.certify.transport";

    /** One Vert.x instance for every client of a run; {@code certify} closes it at the end. */
    private static volatile Vertx vertx;

    static void useVertx(Vertx shared) {
        vertx = shared;
    }

    @Override
    protected Server newServer() {
        URI url = URI.create(System.getProperty(URL_PROPERTY, "ws://127.0.0.1:8787"));
        Optional<String> payload = Optional.ofNullable(System.getProperty(PAYLOAD_PROPERTY));
        VertxClientSettings.Transport transport = VertxClientSettings.Transport.valueOf(
                System.getProperty(TRANSPORT_PROPERTY, VertxClientSettings.Transport.WEBSOCKET.name()));
        return Server.of(store -> {
            VertxClientSettings settings = VertxClientSettings.of(url, store).withTransport(transport);
            VertxClientSettings effective = payload.map(settings::withPayload).orElse(settings);
            return vertx == null ? VertxSyncBackend.create(effective) : VertxSyncBackend.create(vertx, effective);
        }, () -> {
        });
    }

    /** A client of {@code store}, for a quick reachability check before the kit runs. */
    static VertxSyncBackend probe(URI url, Optional<String> payload) {
        VertxClientSettings settings = VertxClientSettings.of(url, StoreId.of("eventsync-certify-probe"));
        return VertxSyncBackend.create(payload.map(settings::withPayload).orElse(settings));
    }
}
