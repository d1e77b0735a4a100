package dev.eventsync.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.core.EventsyncBinder;
import dev.eventsync.spi.transport.Verdict;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root assembled in-process: storage by name, auth, hooks, the Vert.x transport. */
class EmbeddedServerTest {

    @TempDir
    Path dir;

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Test
    void aServerOnSqliteWithATokenAndAnInterceptorServesTheWireProtocol() {
        ServerConfig config = ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("sqlite:" + dir.resolve("es.db"))).withAuthToken("s3cret");
        try (EventsyncServer server = Eventsync.builder().config(config)
                .module(binder -> EventsyncBinder.of(binder).addPushInterceptor().toInstance((ctx, event) ->
                        event.name().equals("forbidden-v1") ? Verdict.reject("not allowed here") : Verdict.accept()))
                .build().start()) {
            URI url = URI.create("ws://127.0.0.1:" + server.port());
            VertxClientSettings settings = VertxClientSettings.of(url, StoreId.of("todos"));
            try (VertxSyncBackend anonymous = VertxSyncBackend.create(settings)) {
                Throwable denied = catchThrowable(() -> join(anonymous.push(List.of(Event.of("a-v1", "{}", 1, 0, "c", "s")))));
                assertThat(SyncErrorException.errorOf(denied)).hasValueSatisfying(
                        e -> assertThat(e).isInstanceOf(SyncError.Unauthorized.class));
            }
            try (VertxSyncBackend client = VertxSyncBackend.create(settings.withPayload("{\"authToken\":\"s3cret\"}"))) {
                assertThat(join(client.push(List.of(Event.of("a-v1", "{\"x\":1}", 1, 0, "c", "s")))))
                        .isInstanceOf(PushResult.Appended.class);
                Throwable rejected = catchThrowable(() -> join(client.push(List.of(Event.of("forbidden-v1", null, 2, 1, "c", "s")))));
                assertThat(SyncErrorException.errorOf(rejected)).hasValueSatisfying(e -> assertThat(e)
                        .isEqualTo(new SyncError.Rejected(0, 2, "forbidden-v1", "not allowed here")));
            }
            assertThat(join(server.engine().stores())).singleElement()
                    .satisfies(info -> assertThat(info.head()).isEqualTo(1));
        }
    }
}
