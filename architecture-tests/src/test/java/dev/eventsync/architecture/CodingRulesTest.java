package dev.eventsync.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Habits every module keeps (STYLE.md): constructor injection, SLF4J, no stray output. */
@AnalyzeClasses(packages = EventsyncClasses.ROOT, importOptions = EventsyncClasses.MainCodeOnly.class)
class CodingRulesTest {

    @ArchTest
    static final ArchRule noFieldInjection = noFields()
            .should().beAnnotatedWith("com.google.inject.Inject")
            .orShould().beAnnotatedWith("jakarta.inject.Inject")
            .orShould().beAnnotatedWith("javax.inject.Inject")
            .because("dependencies are constructor parameters, checked with requireNonNull");

    @ArchTest
    static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
            .allowEmptyShould(true)
            .because("main code logs through SLF4J; the CLI prints through its own PrintWriter");

    @ArchTest
    static final ArchRule noPrintStackTrace = noClasses().should()
            .callMethod(Throwable.class, "printStackTrace")
            .because("stack traces go to the log, with context");

    @ArchTest
    static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
}
