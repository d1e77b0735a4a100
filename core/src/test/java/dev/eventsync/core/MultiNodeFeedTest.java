package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.transport.CallContext;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two engines over one storage with a change feed: appends of one node reach the other's live pulls. */
class MultiNodeFeedTest {

    private final SharedStorage shared = new SharedStorage();
    private final SharedStorage.Node nodeA = shared.node();
    private final SharedStorage.Node nodeB = shared.node();
    private final SyncEngine a = SyncEngine.builder(nodeA).build();
    private final SyncEngine b = SyncEngine.builder(nodeB).build();
    private final CallContext ctx = CallContext.local(StoreId.of("shared"));

    @AfterEach
    void stop() {
        a.close();
        b.close();
        shared.close();
    }

    private static PullProbe livePull(SyncEngine engine, CallContext ctx) {
        PullProbe probe = PullProbe.unbounded();
        engine.pull(ctx, Optional.empty(), true).subscribe(probe);
        return probe;
    }

    @Test
    void pushesAlternatingBetweenNodesReachEveryLivePullOnceInOrder() {
        PullProbe onA = livePull(a, ctx).awaitPages(1);
        PullProbe onB = livePull(b, ctx).awaitPages(1);
        long head = 0;
        for (int i = 0; i < 150; i++) {
            SyncEngine via = i % 2 == 0 ? a : b;
            PushResult result = join(via.push(ctx, Events.chain(head, 3, "w"), Optional.empty()));
            assertThat(result).isEqualTo(new PushResult.Appended(head + 3, 3));
            head += 3;
        }
        // a pull started midway on either node meets the live stream without a gap or a duplicate
        PullProbe lateOnB = livePull(b, ctx);
        join(a.push(ctx, Events.chain(head, 3, "w"), Optional.empty()));
        head += 3;
        var expected = LongStream.rangeClosed(1, head).boxed().toList();
        onA.awaitEvents((int) head);
        onB.awaitEvents((int) head);
        lateOnB.awaitEvents((int) head);
        assertThat(onA.seqNums()).isEqualTo(expected);
        assertThat(onB.seqNums()).isEqualTo(expected);
        assertThat(lateOnB.seqNums()).isEqualTo(expected);
        assertThat(onA.protocolViolations).isEmpty();
        assertThat(onB.protocolViolations).isEmpty();
    }

    @Test
    void appendsWhoseNotificationsWereLostArriveAfterAResync() {
        PullProbe onA = livePull(a, ctx).awaitPages(1);
        PullProbe.await(() -> a.livePullCount() == 1, "the pull on A to go live");
        nodeA.muted = true;
        join(b.push(ctx, Events.chain(0, 5, "b"), Optional.empty()));
        join(b.push(ctx, Events.chain(5, 5, "b"), Optional.empty()));
        nodeA.muted = false;
        nodeA.resync();
        onA.awaitEvents(10);
        assertThat(onA.seqNums()).isEqualTo(LongStream.rangeClosed(1, 10).boxed().toList());
    }

    @Test
    void aSlowLivePullOnTheOtherNodeCatchesUpFromStorageAfterOverflowing() {
        SyncEngine small = SyncEngine.builder(shared.node())
                .limits(SyncLimits.defaults().withLiveBufferEvents(10)).build();
        try {
            PullProbe slow = new PullProbe();
            small.pull(ctx, Optional.empty(), true).subscribe(slow);
            slow.request(1);
            slow.awaitPages(1);
            PullProbe.await(() -> small.livePullCount() == 1, "the slow pull to go live");
            for (int i = 0; i < 20; i++) {
                join(a.push(ctx, Events.chain(i * 5L, 5, "a"), Optional.empty()));
            }
            slow.request(Long.MAX_VALUE);
            slow.awaitEvents(100);
            join(b.push(ctx, Events.chain(100, 1, "b"), Optional.empty()));
            slow.awaitEvents(101);
            assertThat(slow.seqNums()).isEqualTo(LongStream.rangeClosed(1, 101).boxed().toList());
            assertThat(slow.protocolViolations).isEmpty();
        } finally {
            small.close();
        }
    }
}
