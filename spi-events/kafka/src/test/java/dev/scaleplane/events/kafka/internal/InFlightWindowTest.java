package dev.scaleplane.events.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The publish window: never more than {@code max} places out, waits with a deadline, gives back what it gave up. */
class InFlightWindowTest {

    @Test
    void a_full_window_times_out_and_a_release_lets_the_next_one_in() throws Exception {
        InFlightWindow window = new InFlightWindow(3);
        for (int i = 0; i < 3; i++) {
            assertThat(window.acquire(0)).isTrue();
        }
        assertThat(window.acquire(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
        assertThat(window.inFlight()).isEqualTo(3); // the failed attempt holds nothing
        window.release();
        assertThat(window.acquire(0)).isTrue();
        assertThat(window.inFlight()).isEqualTo(3);
    }

    @Test
    void a_waiting_publisher_gets_in_when_a_place_is_given_back() throws Exception {
        InFlightWindow window = new InFlightWindow(1);
        assertThat(window.acquire(0)).isTrue();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicInteger got = new AtomicInteger(-1);
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            try {
                got.set(window.acquire(TimeUnit.SECONDS.toNanos(30)) ? 1 : 0);
            } catch (InterruptedException e) {
                got.set(2);
            }
        });
        waiter.start();
        waiting.await();
        Thread.sleep(50);
        assertThat(got.get()).isEqualTo(-1);
        window.release();
        waiter.join(30_000);
        assertThat(got.get()).isEqualTo(1);
    }

    @Test
    void an_interrupted_wait_throws_and_holds_nothing() throws Exception {
        InFlightWindow window = new InFlightWindow(1);
        assertThat(window.acquire(0)).isTrue();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> window.acquire(TimeUnit.SECONDS.toNanos(30))).isInstanceOf(InterruptedException.class);
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void many_publishers_and_one_releasing_thread_never_exceed_the_window() throws Exception {
        int max = 64;
        int perPublisher = 50_000;
        int publishers = 4;
        InFlightWindow window = new InFlightWindow(max);
        AtomicInteger out = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        // The releasing side gives places back in the order they were taken, as the producer's I/O thread does.
        BlockingQueue<Integer> taken = new ArrayBlockingQueue<>(max * 2);
        Thread releaser = new Thread(() -> {
            try {
                for (int i = 0; i < perPublisher * publishers; i++) {
                    taken.take();
                    out.decrementAndGet();
                    window.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        releaser.start();
        List<Thread> threads = new ArrayList<>();
        AtomicInteger timeouts = new AtomicInteger();
        for (int p = 0; p < publishers; p++) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < perPublisher; i++) {
                        if (!window.acquire(TimeUnit.SECONDS.toNanos(30))) {
                            timeouts.incrementAndGet();
                            continue;
                        }
                        highest.accumulateAndGet(out.incrementAndGet(), Math::max);
                        taken.put(i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        releaser.join(120_000);
        assertThat(timeouts.get()).isZero();
        assertThat(highest.get()).isBetween(1, max);
        assertThat(window.inFlight()).isZero();
    }
}
