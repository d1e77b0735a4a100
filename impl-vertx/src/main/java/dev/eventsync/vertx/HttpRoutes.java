package dev.eventsync.vertx;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * More HTTP endpoints served by the Vert.x transport on its own port, next to the sync endpoints, health and
 * metrics (for example the server's admin API). Contributed through Guice with
 * {@code VertxTransportModule.routes(binder).addBinding().to(...)} or given to
 * {@link VertxSyncServer.Builder#routes(HttpRoutes)}.
 *
 * <p>Routes are mounted before the sync endpoints, so a contribution owns its paths even when a request
 * carries sync query parameters; it must claim only the paths it serves (a path prefix) and let
 * everything else through.
 */
public interface HttpRoutes {

    /** Adds this contribution's routes; called once on every start of the transport. */
    void mount(Router router, Vertx vertx);

    /**
     * Ends this contribution's long-lived responses (streams), so that the transport's graceful stop does not
     * wait for them; called when the transport starts stopping.
     */
    default void stopping() {
    }

    /**
     * Answers a request the transport refuses before routing (a path it cannot decode: a {@code %} that starts no
     * escape; several {@code Origin} headers) if it is under this contribution's paths, in the contribution's own
     * error format ({@code 400}); returns whether it did. Otherwise the transport answers {@code 400} in plain text.
     *
     * @param message what is wrong with the request, for the answer
     */
    default boolean refuseMalformed(HttpServerRequest request, String message) {
        return false;
    }
}
