package dev.eventsync.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module graph of ARCHITECTURE.md: who may depend on whom. */
@AnalyzeClasses(packages = EventsyncClasses.ROOT, importOptions = EventsyncClasses.MainCodeOnly.class)
class LayeringRulesTest {

    @ArchTest
    static final ArchRule moduleGraph = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .optionalLayer("api").definedBy("dev.eventsync.api..")
            .optionalLayer("spi-storage").definedBy("dev.eventsync.spi.storage..")
            .optionalLayer("spi-transport").definedBy("dev.eventsync.spi.transport..")
            .optionalLayer("core").definedBy("dev.eventsync.core..")
            .optionalLayer("impl-memory").definedBy("dev.eventsync.memory..")
            .optionalLayer("impl-jdbc").definedBy("dev.eventsync.jdbc..")
            .optionalLayer("impl-vertx").definedBy("dev.eventsync.vertx..")
            .optionalLayer("tck").definedBy("dev.eventsync.tck..")
            .optionalLayer("server").definedBy("dev.eventsync.server..")
            .optionalLayer("bench").definedBy("dev.eventsync.bench..")
            .whereLayer("server").mayOnlyBeAccessedByLayers("bench")
            .whereLayer("core").mayOnlyBeAccessedByLayers("server", "bench")
            .whereLayer("impl-memory").mayOnlyBeAccessedByLayers("server", "bench")
            .whereLayer("impl-jdbc").mayOnlyBeAccessedByLayers("server", "bench")
            .whereLayer("impl-vertx").mayOnlyBeAccessedByLayers("server", "bench")
            // the tck certifies providers through the SPIs and SyncBackend only; the server's `certify`
            // command runs it against a URL
            .whereLayer("tck").mayOnlyBeAccessedByLayers("server", "bench")
            .whereLayer("spi-storage").mayOnlyBeAccessedByLayers("core", "impl-memory", "impl-jdbc", "impl-vertx",
                    "tck", "server", "bench")
            .whereLayer("spi-transport").mayOnlyBeAccessedByLayers("core", "impl-vertx", "tck", "server", "bench");

    @ArchTest
    static final ArchRule spisAreIndependentOfEachOther = slices().matching("dev.eventsync.spi.(*)..")
            .should().notDependOnEachOther();

    // modules, not sub-packages: api.json (the codec) and api (the model) belong together
    @ArchTest
    static final ArchRule noModuleCycles = slices().matching("dev.eventsync.(*)..").should().beFreeOfCycles();
}
