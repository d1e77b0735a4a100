package dev.eventsync.server.cli;

import dev.eventsync.server.ConfigurationException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where {@code certify --report FILE} writes: checked before the run (a usage error, never a stack trace
 * after it) and written atomically (a temporary file in the same directory, then renamed over FILE). A
 * directory is never a report file: it is refused, and nothing is ever deleted but the run's own temporary
 * report.
 */
final class CertifyReportFile {

    private CertifyReportFile() {
    }

    /**
     * {@code report} as an absolute path, if it can take the report: not empty, not a directory, an existing
     * file writable, and its directory writable (created, with its parents, when missing). Throws {@link ConfigurationException} otherwise.
     */
    static Path check(Path report) {
        if (report.toString().isBlank()) {
            throw new ConfigurationException("--report needs a file name, got ''");
        }
        Path target = report.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new ConfigurationException("--report " + report + " is a directory; name a file, such as "
                    + target.resolve("certify-report.txt"));
        }
        if (Files.exists(target) && (!Files.isRegularFile(target) || !Files.isWritable(target))) {
            throw new ConfigurationException("--report " + report + " exists and is not a writable regular file");
        }
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new ConfigurationException("--report " + report + ": cannot create its directory " + dir + " ("
                    + CertifyCommand.describe(e) + "; is part of the path a file?)");
        }
        try {
            Files.delete(Files.createTempFile(dir, ".certify-", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new ConfigurationException("--report " + report + ": cannot write in " + dir + " ("
                    + CertifyCommand.describe(e) + ")");
        }
        return target;
    }

    /** Moves the run's report {@code written} to {@code target} atomically, or leaves it where it is; returns where it is. */
    static Path move(Path written, Optional<Path> target) throws IOException {
        if (target.isEmpty()) {
            return written;
        }
        Path temporary = Files.createTempFile(target.get().getParent(), ".certify-", ".tmp");
        try {
            Files.copy(written, temporary, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(temporary, target.get(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target.get(), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        Files.delete(written);
        Files.deleteIfExists(written.getParent());
        return target.get();
    }
}
