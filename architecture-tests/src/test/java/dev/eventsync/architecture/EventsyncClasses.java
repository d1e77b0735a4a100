package dev.eventsync.architecture;

import com.tngtech.archunit.core.importer.ImportOption;

/** What the rules look at: the main (not test) classes of every Eventsync module on the classpath. */
final class EventsyncClasses {

    static final String ROOT = "dev.eventsync";

    private EventsyncClasses() {
    }

    /** Imports only production code: the rules are about what ships. */
    static final class MainCodeOnly implements ImportOption {
        private final ImportOption delegate = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return delegate.includes(location) && !location.contains("/architecture/");
        }
    }
}
