/**
 * The wire format, free of Vert.x: Effect RPC JSON framing ({@link dev.eventsync.vertx.wire.RpcCodec}) and the
 * sync-cf RPC payloads ({@link dev.eventsync.vertx.wire.SyncRpc}), decoded from text so that raw JSON stays byte
 * for byte.
 */
package dev.eventsync.vertx.wire;
