package dev.eventsync.server.admin;

import dev.eventsync.vertx.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * What {@value AdminRoutes#PREFIX} is without {@code --admin-token}: every path under it in any spelling
 * ({@link AdminPath#isAdminArea}: {@code //admin}, {@code /%61dmin}, {@code /ADMIN}, ...) and whatever its query
 * ({@code ?storeId=x} included), over HTTP or as a WebSocket upgrade, is a plain-text {@code 404}, as for any path the server does not serve. Without
 * it such a request would reach the sync endpoint, which answers sync-protocol errors.
 */
public final class AdminDisabled implements HttpRoutes {

    @Override
    public void mount(Router router, Vertx vertx) {
        router.route().handler(ctx -> {
            String path = ctx.request().path();
            if (AdminPath.isAdminArea(path)) {
                ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .end("no such endpoint: " + path + " (the admin API is off: the server runs without "
                                + "--admin-token)\n");
            } else {
                ctx.next();
            }
        });
    }
}
