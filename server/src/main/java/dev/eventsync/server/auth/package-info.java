/**
 * The server's authenticators: a shared token ({@link dev.eventsync.server.auth.SharedTokenAuthenticator}) or JSON
 * Web Tokens verified by nimbus-jose-jwt ({@link dev.eventsync.server.auth.JwtAuthenticator} with
 * {@link dev.eventsync.server.auth.JwtSettings}: HMAC secret, PEM public key or JWKS URL). Both read the credential
 * from the sync payload's {@code authToken} or an {@code Authorization: Bearer} header.
 */
package dev.eventsync.server.auth;
