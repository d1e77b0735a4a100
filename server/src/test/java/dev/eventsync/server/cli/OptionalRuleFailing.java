package dev.eventsync.server.cli;

import dev.eventsync.tck.CertificationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Not a test of its own (no Test suffix): a kit-like class whose optional rule fails, run by {@link CertifyProgressTest}. */
@ExtendWith(CertificationReport.class)
public class OptionalRuleFailing {

    @Test
    public void optional_P_PUSH_05_failsOnPurpose() {
        throw new AssertionError("P-PUSH-05 violated: on purpose");
    }

    @Test
    public void required_P_LS_01_passes() {
        // passes
    }
}

/** A long rule, for the heartbeat: run by {@link CertifyProgressTest}. */
class SlowRule {

    @Test
    public void required_P_HIST_01_takesAWhile() throws InterruptedException {
        Thread.sleep(2_600);
    }
}
