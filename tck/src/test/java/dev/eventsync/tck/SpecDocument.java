package dev.eventsync.tck;

/** Renders tck/SPEC.md from the catalogue, so that the document and the code cannot drift apart. */
final class SpecDocument {

    private SpecDocument() {
    }

    static String render() {
        StringBuilder s = new StringBuilder();
        s.append("# Eventsync compatibility kit: the rules\n\n");
        s.append("This file is generated from `dev.eventsync.tck.Rule` (the catalogue in code) and checked by\n");
        s.append("`CatalogueTest`; regenerate it with\n");
        s.append("`mvn -pl tck -am verify -Dtest=CatalogueTest -Dsurefire.failIfNoSpecifiedTests=false -Deventsync.tck.writeSpec=true`.\n\n");
        s.append("Every rule has a stable id, one sentence saying what must hold, why it matters, and hints for\n");
        s.append("when it fails. `S-*` rules are verified by `EventStoreCompatibilityKit` (storage SPI), `P-*` rules\n");
        s.append("by `SyncBackendCompatibilityKit` (the protocol, black box through `SyncBackend`; see \"The protocol\n");
        s.append("in one screen\" in the README). `P-LS-01`..`P-LS-17` port the LiveStore provider suite\n");
        s.append("(`tests/sync-provider`, cases 1 to 17). Each rule is verified by exactly one test method named\n");
        s.append("`required_<ID>_...` or `optional_<ID>_...`. A *required* rule fails certification; an *optional*\n");
        s.append("rule is reported but does not. A rule whose capability the provider lacks is skipped with the reason\n");
        s.append("(durability: `durable()`/`reopen()`; live pull and exact `remaining`: the client's `supports()`;\n");
        s.append("several nodes over one storage: `newPeerNode()`).\n\n");
        s.append("Every rule has a *profile*: `livestore` when LiveStore's own server (`@livestore/sync-cf` 0.4.0) and\n");
        s.append("its provider suite promise it to a client, `eventsync` when it is one of Eventsync's stricter promises.\n");
        s.append("Each rule says why, from LiveStore's source at tag `v0.4.0` (paths under `packages/@livestore/sync-cf/src/cf-worker/`).\n");
        s.append("Certifying profile `livestore` (`-Deventsync.tck.profile=livestore`, `eventsync certify --profile livestore`)\n");
        s.append("runs the `livestore` rules and skips the others with that reason; profile `eventsync` (the default) runs all.\n\n");
        s.append("Tiers: the fast tier (the default, every build) idles live pulls for 0.8 s (P-LS-06) and 3 s (P-IDLE-01);\n");
        s.append("the thorough tier (`-Deventsync.tck.tier=thorough`, `eventsync certify --thorough`) idles them 70 s, beyond\n");
        s.append("the common 60 s idle timeouts, and runs five times the tries of every property rule.\n\n");
        s.append("| rule | level | profile |\n|---|---|---|\n");
        for (Rule rule : Rule.values()) {
            s.append("| [").append(rule.id()).append("](#").append(rule.id()).append(") | ")
                    .append(rule.level().name().toLowerCase(java.util.Locale.ROOT)).append(" | ").append(rule.profile().label())
                    .append(" |\n");
        }
        s.append('\n');
        s.append("Property rules (`S-HIST-01`, `P-HIST-01`, and the seeded example rules) print the seed of the\n");
        s.append("failing try; replay it with `-Deventsync.tck.seed=<seed> -Deventsync.tck.tries=1`.\n\n");
        for (Rule.Kit kit : Rule.Kit.values()) {
            s.append(kit == Rule.Kit.STORAGE ? "## Storage rules (EventStore)\n\n" : "## Protocol rules (SyncBackend)\n\n");
            for (Rule rule : Rule.of(kit)) {
                s.append("### <a id=\"").append(rule.id()).append("\"></a>").append(rule.id()).append(" (")
                        .append(rule.level().name().toLowerCase(java.util.Locale.ROOT)).append(", profile ")
                        .append(rule.profile().label()).append(")\n\n");
                s.append(rule.statement()).append("\n\n");
                s.append("*Profile ").append(rule.profile().label()).append(":* ").append(rule.profileBasis()).append(".\n\n");
                s.append("*Why:* ").append(rule.why()).append("\n\n");
                s.append("*If this fails, check:*\n");
                for (String hint : rule.hints()) {
                    s.append("- ").append(hint).append('\n');
                }
                s.append('\n');
            }
        }
        return s.toString();
    }
}
