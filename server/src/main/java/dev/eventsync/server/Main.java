package dev.eventsync.server;

import dev.eventsync.server.cli.EventsyncCommand;

/** {@code java -jar eventsync.jar <command>}: see {@link EventsyncCommand}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(EventsyncCommand.run(args));
    }
}
