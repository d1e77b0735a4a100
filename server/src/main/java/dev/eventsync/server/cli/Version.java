package dev.eventsync.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version of this build, as Maven wrote it into {@code version.properties} (resource filtering in
 * {@code server/pom.xml}), so that {@code --version} is right in the jar, in tests and in an IDE build.
 */
public final class Version implements CommandLine.IVersionProvider {

    /** The project version, for example {@code 0.1.0-SNAPSHOT}. */
    public static String number() {
        return properties().getProperty("version");
    }

    @Override
    public String[] getVersion() {
        Properties p = properties();
        return new String[] {"eventsync " + p.getProperty("version") + " (built " + p.getProperty("built") + ")",
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    private static Properties properties() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the classpath: build with Maven");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
