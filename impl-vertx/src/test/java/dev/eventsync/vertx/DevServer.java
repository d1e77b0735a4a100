package dev.eventsync.vertx;

import dev.eventsync.api.StoreId;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A development and interoperability server: the Vert.x transport over a {@link SyncEngine} and an
 * {@link InMemoryEventStore}, for tests (real LiveStore clients, scripts) that need a running Eventsync server.
 *
 * <p>From Java: {@code try (DevServer s = DevServer.start(0)) { s.port(); s.resetStore(id); s.restart(); }}.
 * From a shell (test classpath, for example {@code mvn -pl impl-vertx exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.eventsync.vertx.DevServer -Dexec.args="--port 8787"}): it prints {@code listening <port>}
 * and then reads commands from standard input, one per line, answering each on standard output:
 * {@code reset <storeId>} → {@code reset <storeId> <newBackendId>}, {@code restart} → {@code restarted <port>}
 * (stops the transport, closing every socket with 1001, and starts it again on the same port), {@code stop}.
 */
public final class DevServer implements AutoCloseable {

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final SyncEngine engine = SyncEngine.builder(store).build();
    private final VertxSettings settings;
    private VertxSyncServer server;
    private int port;

    private DevServer(VertxSettings settings) {
        this.settings = settings;
    }

    /**
     * Starts on {@code port} (0 for a free one) on 127.0.0.1, with per-store head series in /metrics: the interop
     * harness reads a store's head from {@code eventsync_store_head}.
     */
    public static DevServer start(int port) throws Exception {
        return start(VertxSettings.defaults().withPort(port).withStoreHeadMetrics(true));
    }

    public static DevServer start(VertxSettings settings) throws Exception {
        DevServer dev = new DevServer(settings);
        dev.port = dev.startTransport(settings.port());
        return dev;
    }

    public int port() {
        return port;
    }

    public SyncEngine engine() {
        return engine;
    }

    /** Forgets the store's history and gives it a new backendId, which its clients detect. */
    public String resetStore(StoreId storeId) throws Exception {
        return engine.resetStore(storeId).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Stops the transport (clients see their sockets closed) and starts it again on the same port. */
    public void restart() throws Exception {
        server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        startTransport(port);
    }

    private int startTransport(int onPort) throws Exception {
        server = VertxSyncServer.builder(engine).settings(settings.withPort(onPort)).build();
        return server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the server", e);
        } finally {
            engine.close();
            store.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = VertxSettings.DEFAULT_PORT;
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--host" -> host = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --port N [--host H]");
            }
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        try (DevServer dev = start(VertxSettings.defaults().withHost(host).withPort(port).withStoreHeadMetrics(true))) {
            out.println("listening " + dev.port());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.trim().split("\\s+");
                switch (words[0]) {
                    case "reset" -> out.println("reset " + words[1] + " " + dev.resetStore(StoreId.of(words[1])));
                    case "restart" -> {
                        dev.restart();
                        out.println("restarted " + dev.port());
                    }
                    case "stop" -> {
                        return;
                    }
                    case "" -> { }
                    default -> out.println("unknown command '" + words[0] + "'; use reset <storeId>, restart or stop");
                }
            }
        }
    }
}
