package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PullCursor;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store reset that lands in the middle of a pull's reads. A client whose cursor names the old backendId must
 * hear of the reset ({@code BackendIdMismatch}, which LiveStore answers by resetting or shutting down) whatever the
 * interleaving: never "your cursor is beyond the head" (the reset emptied the log), and never the new log's events
 * under the old backendId. Found with the real LiveStore client over HTTP, polling every 300 ms: one poll in a few
 * dozen raced the reset and the client never learned of it.
 */
class ResetDuringPullTest {

    private final StoreId store = new StoreId("reset-race");
    private final FlakyStore storage = new FlakyStore(new InMemoryEventStore());
    private final SyncEngine engine = SyncEngine.builder(storage).build();

    @AfterEach
    void close() {
        engine.close();
    }

    private PullProbe pull(Optional<PullCursor> cursor, boolean live) {
        PullProbe probe = PullProbe.unbounded();
        engine.pull(CallContext.local(store), cursor, live).subscribe(probe);
        return probe;
    }

    private static SyncError errorOf(PullProbe probe) {
        assertThat(probe.error()).as("the pull must fail").isInstanceOf(SyncErrorException.class);
        return ((SyncErrorException) probe.error()).error();
    }

    @Test
    void aResetBetweenTheBackendIdCheckAndTheHeadReadIsAMismatchNotACursorBeyondTheHead() {
        join(engine.push(CallContext.local(store), Events.chain(0, 3, "a"), Optional.empty()));
        String old = storage.backendId(store);
        String[] fresh = new String[1];
        storage.beforeHead.set(() -> fresh[0] = join(engine.resetStore(store)));

        for (boolean live : new boolean[] {false, true}) {
            if (live) {
                join(engine.push(CallContext.local(store), Events.chain(0, 3, "a"), Optional.empty()));
                old = storage.backendId(store);
                storage.beforeHead.set(() -> fresh[0] = join(engine.resetStore(store)));
            }
            PullProbe probe = pull(Optional.of(PullCursor.after(3, old)), live).awaitTermination();

            assertThat(probe.events()).as("live=%s", live).isEmpty();
            assertThat(errorOf(probe)).as("live=%s", live).isEqualTo(new SyncError.BackendIdMismatch(fresh[0], old));
        }
    }

    @Test
    void aResetWhileTheFirstPageIsReadNeverServesTheNewLogUnderTheOldBackendId() {
        join(engine.push(CallContext.local(store), Events.chain(0, 2, "a"), Optional.empty()));
        String old = storage.backendId(store);
        // the reset and a push of the new log land between the cursor check and the storage read
        storage.beforeRead.set(() -> {
            join(engine.resetStore(store));
            join(engine.push(CallContext.local(store), Events.chain(0, 4, "new"), Optional.empty()));
        });

        PullProbe probe = pull(Optional.of(PullCursor.after(0, old)), true).awaitTermination();

        assertThat(probe.events()).as("no event of the new log may reach a client of the old one").isEmpty();
        assertThat(errorOf(probe)).isEqualTo(new SyncError.BackendIdMismatch(storage.backendId(store), old));
    }

    @Test
    void aLivePullThatHeardNothingOfTheResetEndsWithAMismatchOnItsNextRead() {
        join(engine.push(CallContext.local(store), Events.chain(0, 2, "a"), Optional.empty()));
        String old = storage.backendId(store);
        PullProbe probe = pull(Optional.of(PullCursor.after(0, old)), true);
        probe.awaitEvents(2);
        PullProbe.await(() -> engine.livePullCount() == 1, "the pull to go live");

        String fresh = join(engine.resetStore(store));
        probe.awaitTermination();

        assertThat(errorOf(probe)).isEqualTo(new SyncError.BackendIdMismatch(fresh, old));
    }

    @Test
    void aFreshClientWhoseFirstReadStraddlesAResetIsToldToPullAgainNotToReset() {
        join(engine.push(CallContext.local(store), Events.chain(0, 2, "a"), Optional.empty()));
        storage.beforeRead.set(() -> join(engine.resetStore(store)));

        PullProbe probe = pull(Optional.empty(), false).awaitTermination();

        assertThat(probe.events()).isEmpty();
        assertThat(errorOf(probe)).isInstanceOf(SyncError.Unavailable.class);
        PullProbe again = pull(Optional.empty(), false).awaitTermination();
        assertThat(again.error()).isNull();
        assertThat(again.pages).allSatisfy(page -> assertThat(page.backendId()).isEqualTo(storage.backendId(store)));
    }
}
