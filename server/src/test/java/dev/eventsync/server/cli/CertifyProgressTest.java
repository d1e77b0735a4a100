package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** certify's progress lines: a failed optional rule is WARN and counted apart, never a SKIP; every line names the profile. */
class CertifyProgressTest {

    @Test
    void aFailedOptionalRuleIsAWarningCountedApartAndTheRunStaysCertified() {
        StringWriter text = new StringWriter();
        try (CertifyProgress progress = new CertifyProgress(new PrintWriter(text), 15, UnaryOperator.identity())) {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(OptionalRuleFailing.class))
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false").build(), progress);
            assertThat(progress.optionalFailed.get()).isEqualTo(1);
            assertThat(progress.skipped.get()).isZero();
            assertThat(progress.failed.get()).isZero();
            assertThat(progress.passed.get()).isEqualTo(1);
            assertThat(progress.certified()).isTrue();
        }
        assertThat(text.toString().lines())
                .anySatisfy(l -> assertThat(l).matches("\\[\\d/2] WARN  P-PUSH-05 +eventsync +\\d+\\.\\d s  \\(optional, does not fail certification\\)"))
                .anySatisfy(l -> assertThat(l).matches("\\[\\d/2] PASS  P-LS-01 +livestore +\\d+\\.\\d s"))
                .anySatisfy(l -> assertThat(l).contains("P-PUSH-05 violated: on purpose"))
                .noneSatisfy(l -> assertThat(l).contains("SKIP"));
    }

    @Test
    void aLongRuleIsNeverSilent() {
        StringWriter text = new StringWriter();
        try (CertifyProgress progress = new CertifyProgress(new PrintWriter(text), 1, UnaryOperator.identity())) {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(SlowRule.class)).build(), progress);
        }
        assertThat(text.toString()).containsPattern("\\.\\.\\. P-HIST-01 still running \\(\\d s\\)\\n(.|\\n)*PASS  P-HIST-01");
    }
}
