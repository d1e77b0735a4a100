package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The interop entry point: starts on a free port, resets a store (clients see a new backendId), restarts. */
class DevServerTest {

    @Test
    void resetStoreIsDetectedByClientsAsBackendIdMismatch() throws Exception {
        StoreId store = StoreId.of("dev");
        try (DevServer dev = DevServer.start(0);
             VertxSyncBackend client = VertxSyncBackend.create(TestServer.sharedVertx(),
                     VertxClientSettings.of(URI.create("ws://127.0.0.1:" + dev.port()), store))) {
            client.push(List.of(Event.of("e", "{}", 1, 0, "c", "s"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            PageCollector first = new PageCollector();
            client.pull(Optional.empty(), false).subscribe(first);
            String oldBackendId = first.next().backendId();
            String newBackendId = dev.resetStore(store);
            assertThat(newBackendId).isNotEqualTo(oldBackendId);

            dev.restart();
            PageCollector resumed = new PageCollector();
            client.pull(Optional.of(PullCursor.after(1, oldBackendId)), false).subscribe(resumed);
            assertThatThrownBy(() -> resumed.done.get(10, TimeUnit.SECONDS))
                    .satisfies(e -> assertThat(SyncErrorException.errorOf(e))
                            .contains(new SyncError.BackendIdMismatch(newBackendId, oldBackendId)));
        }
    }
}
