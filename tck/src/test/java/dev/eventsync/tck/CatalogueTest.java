package dev.eventsync.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalogue and the kits stay in step: every rule has exactly one verifying test method in its kit,
 * every test method of a kit verifies a rule, names carry the rule's level, and SPEC.md states every
 * rule as the code does.
 */
class CatalogueTest {

    private static final String REGENERATE = "eventsync.tck.writeSpec";

    @Test
    void everyRuleHasExactlyOneVerificationAndEveryVerificationARule() {
        Map<Rule, List<String>> verifications = new EnumMap<>(Rule.class);
        for (Class<?> kit : List.of(EventStoreCompatibilityKit.class, SyncBackendCompatibilityKit.class)) {
            Rule.Kit expectedKit = kit == EventStoreCompatibilityKit.class ? Rule.Kit.STORAGE : Rule.Kit.PROTOCOL;
            for (Method m : kit.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
                    continue;
                }
                Rule rule = Rule.ofMethodName(m.getName())
                        .orElseThrow(() -> new AssertionError(kit.getSimpleName() + "." + m.getName() + " verifies no rule"));
                assertThat(rule.kit()).as("kit of %s", m.getName()).isEqualTo(expectedKit);
                verifications.computeIfAbsent(rule, r -> new ArrayList<>()).add(kit.getSimpleName() + "." + m.getName());
            }
        }
        for (Rule rule : Rule.values()) {
            assertThat(verifications.getOrDefault(rule, List.of())).as("verifications of %s", rule.id()).hasSize(1);
        }
    }

    @Test
    void ruleIdsAndTextsAreWellFormed() {
        for (Rule rule : Rule.values()) {
            assertThat(rule.id()).matches("[SP]-[A-Z]+-\\d\\d");
            assertThat(rule.statement()).endsWith(".");
            assertThat(rule.why()).isNotBlank();
            assertThat(rule.hints()).isNotEmpty();
        }
        assertThat(Arrays.stream(Rule.values()).filter(r -> r.name().startsWith("P_LS_"))).hasSize(17);
    }

    @Test
    void specDocumentStatesEveryRuleAsTheCodeDoes() throws IOException {
        Path spec = Path.of("SPEC.md");
        String expected = SpecDocument.render();
        if (Boolean.getBoolean(REGENERATE)) {
            Files.writeString(spec, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(spec, StandardCharsets.UTF_8))
                .as("tck/SPEC.md is generated from Rule; run the build with -D%s=true to regenerate it", REGENERATE)
                .isEqualTo(expected);
    }
}
