package dev.eventsync.api;

import dev.eventsync.api.json.JsonText;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one independent event log. Stores share nothing: order, head, backendId and
 * subscribers are all per store.
 *
 * <p>A store id is 1 to 256 characters of letters, digits, {@code -}, {@code _} and {@code .};
 * anything else is refused at construction, so a {@code StoreId} in hand is always valid.
 */
public record StoreId(String value) implements Comparable<StoreId> {

    public static final int MAX_LENGTH = 256;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");

    public StoreId {
        Objects.requireNonNull(value, "storeId");
        if (value.isEmpty() || value.length() > MAX_LENGTH || !ALLOWED.matcher(value).matches()) {
            throw new SyncErrorException(new SyncError.InvalidRequest(
                    "invalid storeId '" + JsonText.abbreviate(value) + "': use 1.." + MAX_LENGTH
                            + " characters of letters, digits, '-', '_' and '.'"));
        }
    }

    public static StoreId of(String value) {
        return new StoreId(value);
    }

    @Override
    public int compareTo(StoreId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
