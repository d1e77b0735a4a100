package dev.eventsync.core;

import dev.eventsync.api.StoreId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One open pull on this node, as the admin API shows a store's clients (see {@link SyncEngine#pulls(StoreId)}).
 *
 * @param storeId   the store pulled
 * @param clientId  the client's id, when its transport knows it
 * @param transport {@code ws}, {@code http}, {@code local}, or {@code admin} for the admin API's own tails
 * @param remote    the peer's address ({@code host:port}), when there is one
 * @param cursor    seqNum of the last event delivered to the client (its cursor)
 * @param live      whether it receives new batches as they are pushed ({@code false}: it is catching up from
 *                  storage, at first or after falling behind)
 * @param lagEvents events accepted by the store after {@code cursor}, not yet delivered to this client
 * @param lag       how long the oldest of those events has been waiting (accept time to now); zero when
 *                  {@code lagEvents} is 0
 * @param since     when the pull started
 */
public record PullStatus(StoreId storeId, Optional<String> clientId, String transport, Optional<String> remote,
                         long cursor, boolean live, long lagEvents, Duration lag, Instant since) {

    public PullStatus {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(since, "since");
    }
}
