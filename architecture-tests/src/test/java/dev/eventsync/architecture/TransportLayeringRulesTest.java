package dev.eventsync.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.eventsync.spi.transport.SyncService;

/**
 * The internal layering of the Vert.x transport (ARCHITECTURE.md, "Flow of one push"): framing (one per
 * transport: WebSocket connection, HTTP exchange, routing) → one request dispatcher shared by both → the
 * {@link SyncService}. The wire codec is below both; the client is beside them.
 */
@AnalyzeClasses(packages = "dev.eventsync.vertx", importOptions = EventsyncClasses.MainCodeOnly.class)
class TransportLayeringRulesTest {

    private static final String FRAMING = "dev.eventsync.vertx.server..";
    private static final String DISPATCHER = "dev.eventsync.vertx.dispatch..";

    @ArchTest
    static final ArchRule framingThenDispatcherThenWire = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("entry").definedBy("dev.eventsync.vertx")
            .layer("framing").definedBy(FRAMING)
            .layer("dispatcher").definedBy(DISPATCHER)
            .layer("wire").definedBy("dev.eventsync.vertx.wire..")
            .layer("client").definedBy("dev.eventsync.vertx.client..")
            .whereLayer("framing").mayOnlyBeAccessedByLayers("entry")
            .whereLayer("dispatcher").mayOnlyBeAccessedByLayers("framing")
            .whereLayer("client").mayOnlyBeAccessedByLayers("entry")
            .whereLayer("wire").mayOnlyBeAccessedByLayers("entry", "framing", "dispatcher", "client");

    /** Only the dispatcher calls the service: the transports cannot drift apart in how they handle a request. */
    @ArchTest
    static final ArchRule onlyTheDispatcherCallsTheSyncService = noClasses()
            .that().resideInAPackage("dev.eventsync.vertx..").and().resideOutsideOfPackage(DISPATCHER)
            .should().callMethodWhere(describe("a method of SyncService",
                    (JavaMethodCall call) -> call.getTargetOwner().isAssignableTo(SyncService.class)))
            .because("framing hands decoded requests to the RequestDispatcher, which is the one caller of SyncService");

    /** The dispatcher is transport-neutral: no WebSocket, HTTP or routing types. */
    @ArchTest
    static final ArchRule dispatcherKnowsNoFraming = noClasses().that().resideInAPackage(DISPATCHER)
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx.core.http..", "io.vertx.ext.web..",
                    "io.netty..");
}
