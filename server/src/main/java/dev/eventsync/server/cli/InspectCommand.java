package dev.eventsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.server.ConfigurationException;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import picocli.CommandLine;

/**
 * {@code eventsync inspect <storeId> --url ws://host:port}: prints a store's last events through the sync
 * protocol, like any client would see them, and with {@code --follow} keeps printing new ones. With
 * {@code --admin-token} it uses the server's admin API instead: the store's head, size and backendId, its live
 * clients with their lag, then its last events (the admin API's tail); it never creates the store.
 */
@CommandLine.Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Prints a store's last events from a running server; --follow tails it live.",
                "With --admin-token: through the admin API, with the store's live clients and their lag.",
                "A store id that starts with '-' goes after '--'."})
final class InspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(paramLabel = "STORE_ID", description = "The store to inspect.")
    String storeId;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", description = "A properties file with option values.")
    String configFile;

    @CommandLine.Mixin
    ClientOptions client = new ClientOptions();

    @CommandLine.Option(names = "--last", defaultValue = "20", description = "How many of the latest events to print (default: ${DEFAULT-VALUE}).")
    int last;

    @CommandLine.Option(names = "--follow", description = "Keep printing events as they are pushed (Ctrl-C stops).")
    boolean follow;

    @CommandLine.Option(names = "--auth-token", description = "Sent as the sync payload's authToken.")
    String authToken;

    @Override
    public Integer call() throws Exception {
        if (last < 0) {
            throw new ConfigurationException("--last must be 0 or more (how many of the latest events to print), got "
                    + last);
        }
        ClientOptions.quietClientLogs();
        PrintWriter out = spec.commandLine().getOut();
        if (client.adminToken != null && !client.adminToken.isBlank()) {
            return throughAdminApi(out);
        }
        URI url = client.urlOrDefault();
        VertxClientSettings settings;
        try {
            settings = VertxClientSettings.of(url, StoreId.of(storeId));
            if (client.caCert != null) {
                ClientOptions.sslContext(client.caCertificates()); // a bad file is one line here, not a TLS failure later
                settings = settings.withTrustedCertificates(client.caCert);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage() + "; for example --url ws://127.0.0.1:8787");
        } catch (SyncErrorException e) {
            throw new ConfigurationException(e.getMessage());
        }
        client.checkTls(url);
        if (authToken != null) {
            settings = settings.withPayload("{\"authToken\":" + dev.eventsync.api.json.ProtocolJson.write(authToken) + "}");
        }
        try (VertxSyncBackend client = VertxSyncBackend.create(settings)) {
            Printer printer = new Printer(out, storeId, last, follow);
            client.pull(Optional.empty(), follow).subscribe(printer);
            try {
                printer.done.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw new ConfigurationException("cannot inspect '" + storeId + "' at " + url + ": "
                        + SyncErrorException.errorOf(e.getCause()).map(err -> err.message())
                        .orElse(String.valueOf(e.getCause().getMessage())));
            }
        }
        return 0;
    }

    private int throughAdminApi(PrintWriter out) {
        StoreId id = DeleteStoreCommand.storeIdOf(storeId);
        AdminClient admin = client.adminClient();
        JsonNode store = admin.store(id);
        long head = store.path("head").asLong();
        out.printf("store %s: head %d, %d event(s), backendId %s, last push %s%n", id, head,
                store.path("eventCount").asLong(), store.path("backendId").asText(),
                store.path("lastPushAt").isNull() ? "never" : store.path("lastPushAt").asText());
        JsonNode clients = store.path("clients");
        out.printf("%d live client(s)%n", clients.size());
        for (JsonNode c : clients) {
            out.printf("  %-24s %-5s %-22s cursor %d, %s, lag %d event(s) / %d ms%n",
                    c.path("clientId").isNull() ? "(unknown client)" : c.path("clientId").asText(),
                    c.path("transport").asText(), c.path("remoteAddress").asText("-"), c.path("cursor").asLong(),
                    c.path("live").asBoolean() ? "live" : "catching up", c.path("lagEvents").asLong(),
                    c.path("lagMs").asLong());
        }
        long after = Math.max(0, head - last);
        out.printf("events after seqNum %d:%n", after);
        out.flush();
        admin.tail(id, after, (event, data) -> {
            switch (event) {
                case "events" -> {
                    for (JsonNode e : data.path("events")) {
                        out.printf("#%d (parent %d) %s  client=%s session=%s at %s  args=%s%n", e.path("seqNum").asLong(),
                                e.path("parentSeqNum").asLong(), e.path("name").asText(), e.path("clientId").asText(),
                                e.path("sessionId").asText(), e.path("createdAt").asText(),
                                e.path("args").isMissingNode() || e.path("args").isNull() ? "(none)" : e.path("args"));
                    }
                    out.flush();
                    return true;
                }
                case "caught-up" -> {
                    if (follow) {
                        out.println("following; Ctrl-C stops");
                        out.flush();
                    }
                    return follow;
                }
                case "error" -> throw new ConfigurationException("the tail of '" + id + "' ended: "
                        + data.path("message").asText());
                default -> {
                    return true;
                }
            }
        });
        return 0;
    }

    /** Keeps the last N events of the backlog, prints them at the end of it, then prints live events. */
    private static final class Printer implements Flow.Subscriber<PullPage> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final PrintWriter out;
        private final String storeId;
        private final int last;
        private final boolean follow;
        private final Deque<StoredEvent> tail = new ArrayDeque<>();
        private boolean live;
        private long total;

        Printer(PrintWriter out, String storeId, int last, boolean follow) {
            this.out = out;
            this.storeId = storeId;
            this.last = last;
            this.follow = follow;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(PullPage page) {
            if (live) {
                page.batch().forEach(this::print);
                out.flush();
                return;
            }
            for (StoredEvent e : page.batch()) {
                total++;
                tail.addLast(e);
                if (tail.size() > last) {
                    tail.removeFirst();
                }
            }
            if (page.pageInfo() instanceof dev.eventsync.api.PageInfo.NoMore) {
                if (total == 0) {
                    // the sync protocol answers a missing store like an empty one
                    out.printf("store %s: no events (it is empty or does not exist; --admin-token tells which)%n",
                            storeId);
                } else {
                    out.printf("store %s: backendId %s, %d event(s); showing the last %d%n", storeId,
                            page.backendId(), total, tail.size());
                }
                tail.forEach(this::print);
                out.flush();
                live = true;
                if (follow) {
                    out.println("following; Ctrl-C stops");
                    out.flush();
                }
            }
        }

        private void print(StoredEvent e) {
            out.printf("#%d (parent %d) %s  client=%s session=%s at %s  args=%s%n", e.seqNum(), e.event().parentSeqNum(),
                    e.event().name(), e.event().clientId(), e.event().sessionId(), e.createdAt(),
                    e.event().args().orElse("(none)"));
        }

        @Override
        public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
