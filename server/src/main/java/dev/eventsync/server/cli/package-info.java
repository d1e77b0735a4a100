/**
 * The {@code eventsync} command line (picocli): {@code serve}, {@code certify}, {@code stores}, {@code inspect} and
 * the administration commands; settings come from options, {@code EVENTSYNC_*} variables and a properties file, and a
 * configuration mistake is one line on stderr with exit code 2.
 */
package dev.eventsync.server.cli;
