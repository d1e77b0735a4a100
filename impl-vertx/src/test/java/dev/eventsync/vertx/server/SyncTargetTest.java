package dev.eventsync.vertx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

/** The sync request's query: storeId, transport and the twice-encoded payload. */
class SyncTargetTest {

    private static MultiMap query(String rawQuery) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        new QueryStringDecoder("/?" + rawQuery).parameters().forEach(params::add);
        return params;
    }

    @Test
    void decodesTheCapturedPayloadTwice() throws Exception {
        // from the ws-payload capture: syncPayload {"authToken":"secret&x=1","n":1}
        SyncTarget target = SyncTarget.parse(query("storeId=store-p&payload=%257B%2522authToken%2522%253A%2522secret"
                + "%2526x%253D1%2522%252C%2522n%2522%253A1%257D&transport=ws"));
        assertThat(target.storeId().value()).isEqualTo("store-p");
        assertThat(target.transport()).isEqualTo(dev.eventsync.vertx.dispatch.Transport.WS);
        assertThat(target.payload()).contains("{\"authToken\":\"secret&x=1\",\"n\":1}");
    }

    @Test
    void secondDecodingKeepsPlusAndHandlesUtf8() {
        assertThat(SyncTarget.decodeUriComponent("a+b%2Bc%20d%C3%A9%F0%9F%98%80")).isEqualTo("a+b+c d\u00e9\uD83D\uDE00");
        assertThatThrownBy(() -> SyncTarget.decodeUriComponent("%4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyncTarget.decodeUriComponent("%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyncTarget.decodeUriComponent("%C3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badQueriesAreRefusedWithTheirStatus() {
        assertThatThrownBy(() -> SyncTarget.parse(query("transport=ws")))
                .isInstanceOf(SyncTarget.BadTarget.class).hasMessageContaining("storeId");
        assertThatThrownBy(() -> SyncTarget.parse(query("storeId=s&transport=grpc")))
                .isInstanceOf(SyncTarget.BadTarget.class).hasMessageContaining("unknown transport");
        assertThatThrownBy(() -> SyncTarget.parse(query("storeId=s&transport=ws&payload=%257Bnot-json")))
                .isInstanceOf(SyncTarget.BadTarget.class).hasMessageContaining("not valid JSON");
        assertThat(SyncTarget.isSyncRequest(query("x=1"))).isFalse();
    }
}
