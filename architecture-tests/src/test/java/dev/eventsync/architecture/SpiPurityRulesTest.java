package dev.eventsync.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The protocol model and the SPIs are what third parties implement: they carry no framework types, so
 * a provider never has to take Guice, Vert.x or JDBC to implement them.
 */
@AnalyzeClasses(packages = EventsyncClasses.ROOT, importOptions = EventsyncClasses.MainCodeOnly.class)
class SpiPurityRulesTest {

    @ArchTest
    static final ArchRule apiAndSpisAreFrameworkFree = noClasses()
            .that().resideInAnyPackage("dev.eventsync.api..", "dev.eventsync.spi..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.google.inject..", "jakarta.inject..", "javax.inject..",
                    "io.vertx..", "io.netty..",
                    "java.sql..", "javax.sql..", "com.zaxxer..",
                    "org.slf4j..", "io.micrometer..")
            .because("api and the SPIs are implemented by third parties and must not impose frameworks");

    @ArchTest
    static final ArchRule onlyTheCodecTouchesJackson = noClasses()
            .that().resideInAnyPackage("dev.eventsync.spi..")
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson..")
            .because("the SPIs speak the protocol model; JSON is api's codec's business");
}
