package dev.scaleplane.adapters.http;

import java.util.List;
import java.util.Objects;

/**
 * One page of a {@link Paginator}: its items and the response they came from (for totals, headers, cursors).
 *
 * @param items the page's items, in the server's order
 * @param response the page's response
 * @param <T> the item type
 */
public record Page<T>(List<T> items, AdapterResponse response) {
    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(response, "response");
    }
}
