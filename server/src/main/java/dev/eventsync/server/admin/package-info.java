/**
 * The admin API and web inspector under {@code /admin} on the transport's port, for requests that carry the admin
 * bearer token: store listing, tail, reset and delete.
 */
package dev.eventsync.server.admin;
