package dev.eventsync.vertx.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The listening side of {@link SyncHttpServer}: one {@link HttpServer} per event loop, all on one port. They are the
 * instances of one verticle deployment (Vert.x's way to serve a port on several event loops: the socket is bound
 * once and each accepted connection goes to the next instance in turn, whose event loop then runs everything of that
 * connection). Port {@code 0} becomes Vert.x's shared random port ({@code -1}), so that every instance serves the
 * same free port. A failed listen on any instance fails the deployment, which Vert.x then undoes: nothing stays bound.
 */
final class EventLoopServers {

    private final Vertx vertx;
    private final String deploymentId;
    private final List<HttpServer> servers;
    private final int port;

    private EventLoopServers(Vertx vertx, String deploymentId, List<HttpServer> servers, int port) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.servers = List.copyOf(servers);
        this.port = port;
    }

    /**
     * Listens on {@code options}' host and port with {@code instances} servers, each on its own event loop, and
     * completes once all of them listen (or fails with the first listen's failure, nothing left bound).
     *
     * @param onConnection called on the connection's event loop for every accepted TCP connection
     * @param onRequest    called on the connection's event loop for every request
     */
    static Future<EventLoopServers> listen(Vertx vertx, int instances, HttpServerOptions options,
                                           Handler<HttpConnection> onConnection, Handler<HttpServerRequest> onRequest) {
        HttpServerOptions shared = new HttpServerOptions(options);
        if (shared.getPort() == 0) {
            shared.setPort(-1); // a random port shared by the deployment's instances, not one per instance
        }
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                HttpServer server = vertx.createHttpServer(shared).connectionHandler(onConnection)
                        .requestHandler(onRequest);
                return server.listen().onSuccess(servers::add);
            }
        }, new DeploymentOptions().setInstances(instances))
                .map(id -> new EventLoopServers(vertx, id, servers, servers.get(0).actualPort()));
    }

    /** The port every instance listens on. */
    int port() {
        return port;
    }

    /** How many servers (event loops) accept connections. */
    int instances() {
        return servers.size();
    }

    /**
     * Stops accepting and closes every connection, each server waiting up to {@code grace} for its connections to
     * end on their own, then undeploys the instances. Completes when all are closed (failures are reported).
     */
    Future<Void> shutdown(Duration grace) {
        long millis = Math.max(1, grace.toMillis());
        List<Future<Void>> closed = servers.stream().map(s -> s.shutdown(millis, TimeUnit.MILLISECONDS)).toList();
        return Future.join(closed).transform(all -> vertx.undeploy(deploymentId)
                .transform(undeployed -> all.failed() ? Future.failedFuture(all.cause())
                        : undeployed.failed() ? Future.failedFuture(undeployed.cause())
                        : Future.<Void>succeededFuture()));
    }
}
