package dev.scaleplane.samples.federation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

/**
 * Keeps every item a {@link Flow.Publisher} sends (the fleet's failover decisions and health changes), so the sample
 * can wait for one and print them in order. Requests everything up front: both publishers send few items.
 *
 * @param <T> the item type
 */
final class Recorder<T> implements Flow.Subscriber<T> {
    private final List<T> items = new CopyOnWriteArrayList<>();

    /** Subscribes a new recorder to {@code publisher}. */
    static <T> Recorder<T> subscribe(Flow.Publisher<T> publisher) {
        Recorder<T> r = new Recorder<>();
        publisher.subscribe(r);
        return r;
    }

    /** What was received so far, in order. */
    List<T> items() {
        return List.copyOf(items);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(T item) {
        items.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        // The fleet's publishers end with an error only when the fleet fails; the sample's checks report what is
        // missing then, so nothing more is needed here.
    }

    @Override
    public void onComplete() {}
}
