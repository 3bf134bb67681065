package dev.scaleplane.adapters.http;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The items of a paged listing, fetched lazily: no request is made until iteration starts, and the next page only
 * when the items of the current one are used up. Flattened items through {@link #iterator()} and {@link #stream()};
 * whole pages through {@link #pages()}, in the manner of the AWS SDK's paginators.
 *
 * <p>Each iteration starts again from the first page. Immutable and thread-safe; the iterators and streams it hands
 * out are not. Failed page fetches throw the client's typed exceptions from {@code next()}/{@code hasNext()}.
 *
 * @param <T> the item type
 */
public final class Paginator<T> implements Iterable<T> {
    private final Function<AdapterRequest, AdapterResponse> fetch;
    private final AdapterRequest first;
    private final PageStyle style;
    private final Function<AdapterResponse, List<T>> items;

    /**
     * A paginator; clients create them with {@link AdapterHttpClient#paginate}.
     *
     * @param fetch sends one request and returns a successful response or throws
     * @param first the first page's request, before the style's {@link PageStyle#first} adjusts it
     * @param style how the next page is requested
     * @param items extracts a page's items from its response
     */
    public Paginator(
            Function<AdapterRequest, AdapterResponse> fetch,
            AdapterRequest first,
            PageStyle style,
            Function<AdapterResponse, List<T>> items) {
        this.fetch = Objects.requireNonNull(fetch, "fetch");
        this.first = Objects.requireNonNull(first, "first");
        this.style = Objects.requireNonNull(style, "style");
        this.items = Objects.requireNonNull(items, "items");
    }

    /** The items of every page, in order. */
    @Override
    public Iterator<T> iterator() {
        Iterator<Page<T>> pages = pageIterator();
        return new Iterator<>() {
            private Iterator<T> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && pages.hasNext()) {
                    current = pages.next().items().iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /** The items of every page as a sequential, lazy stream. */
    public Stream<T> stream() {
        return StreamSupport.stream(spliterator(), false);
    }

    @Override
    public Spliterator<T> spliterator() {
        return Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
    }

    /** The pages, as a sequential, lazy stream. */
    public Stream<Page<T>> pages() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(pageIterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** The pages, lazily. */
    public Iterator<Page<T>> pageIterator() {
        return new Iterator<>() {
            private @Nullable AdapterRequest next = style.first(first);

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Page<T> next() {
                AdapterRequest request = next;
                if (request == null) {
                    throw new NoSuchElementException();
                }
                next = null;
                AdapterResponse response = fetch.apply(request);
                List<T> pageItems = items.apply(response);
                next = pageItems.isEmpty() ? null : style.next(request, response, pageItems.size());
                return new Page<>(pageItems, response);
            }
        };
    }
}
