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
        s.append("Property rules (`S-HIST-01`, `P-HIST-01`, and the seeded example rules) print the seed of the\n");
        s.append("failing try; replay it with `-Deventsync.tck.seed=<seed> -Deventsync.tck.tries=1`.\n\n");
        for (Rule.Kit kit : Rule.Kit.values()) {
            s.append(kit == Rule.Kit.STORAGE ? "## Storage rules (EventStore)\n\n" : "## Protocol rules (SyncBackend)\n\n");
            for (Rule rule : Rule.of(kit)) {
                s.append("### <a id=\"").append(rule.id()).append("\"></a>").append(rule.id()).append(" (")
                        .append(rule.level().name().toLowerCase(java.util.Locale.ROOT)).append(")\n\n");
                s.append(rule.statement()).append("\n\n");
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
