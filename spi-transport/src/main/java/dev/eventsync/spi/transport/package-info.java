/**
 * The transport SPI: {@link dev.eventsync.spi.transport.SyncService} (what a transport calls), {@link
 * dev.eventsync.spi.transport.TransportServer} (lifecycle), {@link dev.eventsync.spi.transport.CallContext} (who is
 * calling, the same on every transport), and the deployment hooks {@link dev.eventsync.spi.transport.Authenticator},
 * {@link dev.eventsync.spi.transport.PushInterceptor} and {@link dev.eventsync.spi.transport.EventValidator}. No
 * framework types.
 */
package dev.eventsync.spi.transport;
