/**
 * The one JSON codec of the protocol model in LiveStore's sync-cf wire shapes ({@link
 * dev.eventsync.api.json.ProtocolJson}, one configured {@code ObjectMapper}, args copied byte for byte), and the one
 * set of JSON and text helpers every module shares ({@link dev.eventsync.api.json.JsonText}).
 */
package dev.eventsync.api.json;
