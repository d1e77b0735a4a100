package dev.eventsync.vertx.server;

import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a failure of a WebSocket's frame decoding to the close that RFC 6455 §7.4.1 prescribes: 1002 (protocol
 * error: unmasked client frame, reserved opcode or RSV bits, continuation without a start, fragmented or oversized
 * control frame, invalid close code), 1007 (invalid payload data: bad UTF-8 in a close reason, a compressed message
 * that does not inflate) or 1009 (message too big, also after inflating a compressed one), each with a readable
 * reason and its own metric label ({@code eventsync_bad_frames_total{reason}}).
 */
final class WebSocketViolations {

    /** RFC 6455 §5.5: a control frame's payload, and so a close code (2 bytes) and reason, is at most 125 bytes. */
    private static final int MAX_REASON_BYTES = 123;

    /**
     * How to close for one violation.
     *
     * @param code         the RFC 6455 close code
     * @param reason       the close reason sent to the client (at most 123 UTF-8 bytes)
     * @param metricReason the {@code reason} label of {@code eventsync_bad_frames_total}
     */
    record Violation(short code, String reason, String metricReason) {
    }

    private WebSocketViolations() {
    }

    /**
     * The violation {@code failure} reports, or empty for a failure that is not the client's protocol mistake
     * (for example a reset connection), which needs no close.
     *
     * @param hardFrameLimit the largest message the transport reads, for the 1009 reason
     * @param maxFrameBytes  the largest message it answers normally, for the 1009 reason
     */
    static Optional<Violation> of(Throwable failure, int hardFrameLimit, int maxFrameBytes) {
        String tooBig = "message exceeds " + hardFrameLimit + " bytes; the limit for a message is " + maxFrameBytes
                + " bytes";
        if (failure instanceof CorruptedWebSocketFrameException e) {
            String message = String.valueOf(e.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            WebSocketCloseStatus status = e.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : e.closeStatus();
            if (status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
                return Optional.of(new Violation(CloseCodes.MESSAGE_TOO_BIG, tooBig, "oversize"));
            }
            String label;
            if (lower.contains("not masked")) {
                label = "unmasked_frame";
            } else if (lower.contains("reserved opcode") || lower.contains("cannot decode web socket frame with opcode")) {
                label = "reserved_opcode";
            } else if (lower.contains("rsv")) {
                label = "reserved_bits";
            } else if (lower.contains("continuation")) {
                label = "bad_fragmentation";
            } else if (lower.contains("utf-8") || lower.contains("utf8")) {
                label = "invalid_utf8";
            } else if (lower.contains("close")) {
                label = "bad_close_frame";
            } else if (lower.contains("control frame")) {
                label = "bad_control_frame";
            } else if (lower.contains("length")) {
                label = "bad_frame_length";
            } else {
                label = "protocol_error";
            }
            short code = status.code() == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code()
                    ? CloseCodes.INVALID_PAYLOAD : CloseCodes.PROTOCOL_ERROR;
            String kind = code == CloseCodes.INVALID_PAYLOAD ? "invalid payload data: " : "protocol error: ";
            return Optional.of(new Violation(code, cut(kind + message + " (RFC 6455)"), label));
        }
        if (failure instanceof DecompressionException || failure instanceof IllegalStateException) {
            String lower = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
            if (lower.contains("max message size") || lower.contains("maximum size") || lower.contains("exceed")) {
                return Optional.of(new Violation(CloseCodes.MESSAGE_TOO_BIG, tooBig, "oversize"));
            }
            if (failure instanceof DecompressionException) {
                return Optional.of(new Violation(CloseCodes.INVALID_PAYLOAD,
                        "invalid payload data: the compressed message does not inflate (RFC 7692)", "bad_compression"));
            }
        }
        return Optional.empty();
    }

    /** {@code reason} cut to fit a close frame (123 UTF-8 bytes), on a character boundary. */
    static String cut(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > MAX_REASON_BYTES - 3) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return out.append("...").toString();
    }
}
