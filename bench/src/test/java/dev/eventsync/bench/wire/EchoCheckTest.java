package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A fast wrong answer never counts: every way a pull can be wrong is counted. */
class EchoCheckTest {

    private static ServerFrame.InEvent event(long seq) {
        return new ServerFrame.InEvent(seq, seq - 1, "s" + seq + ".x", -1);
    }

    @Test
    void anExactDeliveryIsOk() {
        EchoCheck check = new EchoCheck(0);
        for (long s = 1; s <= 5; s++) {
            check.accept(event(s));
        }
        assertThat(check.verdict(5).ok()).isTrue();
        assertThat(check.highest()).isEqualTo(5);
    }

    @Test
    void lossDuplicatesReorderingAndBrokenEventsAreCounted() {
        EchoCheck check = new EchoCheck(0);
        check.accept(event(1));
        check.accept(event(3));
        check.accept(event(2));                                       // out of order
        check.accept(event(3));                                       // duplicate
        check.accept(new ServerFrame.InEvent(4, 2, "s4.x", -1));      // broken chain
        check.accept(new ServerFrame.InEvent(5, 4, "s9.x", -1));      // other args
        EchoCheck.Verdict v = check.verdict(7);                       // 6 and 7 never came
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.outOfOrder()).isEqualTo(1);
        assertThat(v.broken()).isEqualTo(2);
        assertThat(v.ok()).isFalse();
    }

    @Test
    void eventsBeyondTheHeadOrBeforeTheCursorAreBroken() {
        EchoCheck check = new EchoCheck(10);
        check.accept(event(10));
        assertThat(check.verdict(10).broken()).isEqualTo(1);
        EchoCheck beyond = new EchoCheck(0);
        beyond.accept(event(1));
        beyond.accept(event(2));
        assertThat(beyond.verdict(1).ok()).isFalse();
    }
}
