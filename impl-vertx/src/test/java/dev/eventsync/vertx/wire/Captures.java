package dev.eventsync.vertx.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The LiveStore 0.4.0 client captures (project reference data) as test fixtures. */
final class Captures {

    static final List<String> NAMES = List.of("ws-roundtrip", "ws-concurrent", "ws-paging", "ws-nonlive", "ws-payload",
            "ws-backend-mismatch", "ws-forced-server-ahead", "ws-reconnect", "ws-no-pong", "ws-ping-timeout-recovery",
            "ws-silent", "http-roundtrip", "http-concurrent", "http-silent");

    private Captures() {
    }

    /** Every captured line of every capture. */
    static List<JsonNode> all() {
        List<JsonNode> lines = new ArrayList<>();
        for (String name : NAMES) {
            lines.addAll(read(name));
        }
        return lines;
    }

    static List<JsonNode> read(String name) {
        String resource = "/captures/" + name + ".jsonl";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(Captures.class.getResourceAsStream(resource), resource), StandardCharsets.UTF_8))) {
            List<JsonNode> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    lines.add(ProtocolJson.readTree(line));
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
