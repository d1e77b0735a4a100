package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code serve}'s banner prints URLs: an IPv6 --host goes in brackets there, so that each printed URL is one. */
class ServeUrlHostTest {

    @Test
    void ipv6HostsAreBracketedAndOthersKept() {
        assertThat(ServeCommand.urlHost("::1")).isEqualTo("[::1]");
        assertThat(ServeCommand.urlHost("::")).isEqualTo("[::]");
        assertThat(ServeCommand.urlHost("0:0:0:0:0:0:0:1")).isEqualTo("[0:0:0:0:0:0:0:1]");
        assertThat(ServeCommand.urlHost("[::1]")).isEqualTo("[::1]");
        assertThat(ServeCommand.urlHost("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(ServeCommand.urlHost("localhost")).isEqualTo("localhost");
        // each form the banner prints parses as a URL whose port is the server's
        for (String host : List.of("::1", "::", "fe80::1", "127.0.0.1", "0.0.0.0", "localhost")) {
            URI url = URI.create("ws://" + ServeCommand.urlHost(host) + ":8787");
            assertThat(url.getPort()).as(host).isEqualTo(8787);
            assertThat(url.getHost()).as(host).isNotNull();
        }
    }
}
