package dev.eventsync.vertx.server;

import dev.eventsync.vertx.dispatch.TransportMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-connection Netty handler between the WebSocket frame decoder (and the permessage-deflate decoder, when
 * negotiated) and Vert.x. It checks what those let through:
 * <ul>
 *   <li>RSV bits that no negotiated extension defines (RFC 6455 §5.2): the frame decoder accepts any RSV bits as
 *       soon as compression is offered, and permessage-deflate consumes only RSV1 on a message's first frame
 *       (RFC 7692 §6), so any bit still set here is a protocol error (1002);</li>
 *   <li>the size of a data message after inflating, summed over its fragments: over the hard limit it is closed
 *       with 1009, exactly like an uncompressed message over the limit (the frame decoder only sees compressed
 *       sizes).</li>
 * </ul>
 * It also fails the connection for every violation the frame decoder reports (RFC 6455 §7.1.7): it writes the close
 * frame {@link WebSocketViolations} names (1002, 1007 or 1009 with a reason), counts it, and closes the TCP
 * connection once the frame is out. (Left to Vert.x, the connection would be closed at once, often before the
 * close frame was flushed.) Every later frame is dropped: a broken stream cannot be resynchronised. Other messages
 * (HTTP before the upgrade) pass untouched.
 */
final class WebSocketFrameGuard extends ChannelInboundHandlerAdapter {

    /** The name of this handler in the channel pipeline. */
    static final String NAME = "eventsyncWebSocketGuard";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameGuard.class);
    /** How long the close frame of a failed connection may take to be written before the connection is cut. */
    private static final long CLOSE_WRITE_TIMEOUT_MILLIS = 1000;

    private final int maxMessageBytes;
    private final int maxFrameBytes;
    private final TransportMetrics metrics;
    private long messageBytes;
    private boolean failed;

    /**
     * @param maxMessageBytes the hard limit of a message (after inflating)
     * @param maxFrameBytes   the limit named in the 1009 reason
     */
    WebSocketFrameGuard(int maxMessageBytes, int maxFrameBytes, TransportMetrics metrics) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxFrameBytes = maxFrameBytes;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            frame.release();
            return;
        }
        CorruptedWebSocketFrameException violation = check(frame);
        if (violation != null) {
            frame.release();
            fail(ctx, violation);
            return;
        }
        ctx.fireChannelRead(frame);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.pipeline().get(WebSocketFrameDecoder.class) == null) {
            ctx.fireExceptionCaught(cause); // not a WebSocket (yet): Vert.x's HTTP handling decides
            return;
        }
        if (failed) {
            return;
        }
        if (WebSocketViolations.of(cause, maxMessageBytes, maxFrameBytes).isPresent()) {
            fail(ctx, cause);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Sends the close frame for {@code cause}, then closes the connection (RFC 6455 §7.1.7). */
    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        failed = true;
        WebSocketViolations.Violation v = WebSocketViolations.of(cause, maxMessageBytes, maxFrameBytes).orElseThrow();
        metrics.badFrame(v.metricReason());
        LOG.debug("ws {}: closing with {}: {}", ctx.channel().remoteAddress(), v.code(), v.reason());
        // closed from this handler's context, so that Vert.x (further in) does not turn the close into a closing
        // handshake with its own close frame; a peer that does not read would hold the close frame forever: cut it
        ctx.writeAndFlush(new CloseWebSocketFrame(v.code(), v.reason())).addListener(f -> ctx.close());
        ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private CorruptedWebSocketFrameException check(WebSocketFrame frame) {
        if (frame.rsv() != 0) {
            return new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "RSV bits " + frame.rsv() + " set that no negotiated extension defines");
        }
        boolean data = frame instanceof ContinuationWebSocketFrame
                || frame instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame
                || frame instanceof io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
        if (!data) {
            return null;
        }
        long size = frame.content().readableBytes();
        messageBytes = frame instanceof ContinuationWebSocketFrame ? messageBytes + size : size;
        if (messageBytes > maxMessageBytes) {
            return new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "message of more than " + maxMessageBytes + " bytes");
        }
        if (frame.isFinalFragment()) {
            messageBytes = 0;
        }
        return null;
    }
}
