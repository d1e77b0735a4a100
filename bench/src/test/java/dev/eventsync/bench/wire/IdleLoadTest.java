package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The idle mode's wait for first pages says what happened to every pull when some did not get one. */
class IdleLoadTest {

    @Test
    void missingFirstPagesAreCountedArrivedFailedAndWaiting() {
        PullStream arrived = new PullStream(0);
        arrived.firstPage().complete("backend");
        PullStream failed = new PullStream(0);
        failed.onExit(ServerFrame.parse("{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Failure\","
                + "\"cause\":{\"_tag\":\"Fail\",\"error\":{\"_tag\":\"UnknownError\",\"note\":\"overloaded\"}}}}"));
        PullStream waiting = new PullStream(0);
        assertThatThrownBy(() -> IdleLoad.firstPages(List.of(arrived, failed, waiting), Duration.ofMillis(50)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 of 3 arrived, 1 failed (first: ")
                .hasMessageContaining("pull failed")
                .hasMessageEndingWith("1 still waiting");
    }

    @Test
    void allFirstPagesArrivedIsQuiet() {
        PullStream a = new PullStream(0);
        a.firstPage().complete("backend");
        assertThatCode(() -> IdleLoad.firstPages(List.of(a), Duration.ofMillis(50))).doesNotThrowAnyException();
    }
}
