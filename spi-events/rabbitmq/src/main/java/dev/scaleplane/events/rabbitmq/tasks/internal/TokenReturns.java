package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ledger tokens owed back: a finished task's token is taken from {@code Q.ledger} by a thread of its own, on a channel
 * of its own, instead of by a {@code basic.get} round trip under the queue's monitor on every completion. The
 * capacity and {@link RabbitTaskQueue#size()} therefore count a finished task for a moment longer (until its token is
 * taken, normally well under a millisecond behind); this process never sees that lag: {@code size()} and a submission
 * the ledger refused {@linkplain #flush() take every owed token first}. Another process may meet a full ledger for
 * that moment. A process that dies owing tokens leaves them in the ledger, as a crash between an acknowledgement and
 * its token's {@code basic.get} did before; the window is a little wider.
 *
 * <p>Thread-safe. Lock order: the queue's monitor, then this object's take lock; the thread never takes the monitor
 * while holding the take lock.
 */
final class TokenReturns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenReturns.class);

    private final String ledger;
    private final BrokerLink broker;
    private final QueueMonitor monitor;
    private final AtomicInteger owed = new AtomicInteger();
    /** Held while tokens are taken: a flush that holds it knows no take is in flight. */
    private final ReentrantLock taking = new ReentrantLock();

    private final Thread thread;
    private final Object signal = new Object();
    private volatile boolean closed;
    /** Guarded by {@link #taking}. */
    private @Nullable Channel channel;

    TokenReturns(String queue, String ledger, BrokerLink broker, QueueMonitor monitor) {
        this.ledger = ledger;
        this.broker = broker;
        this.monitor = monitor;
        thread = new Thread(this::run, "scaleplane-rabbit-tokens-" + queue);
        thread.setDaemon(true);
        thread.start();
    }

    /** A task finished: its token is owed back. Any thread, cheap. */
    void owe() {
        owed.incrementAndGet();
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Tokens owed and not taken yet. */
    int owed() {
        return owed.get();
    }

    /** Whether a token is owed or being taken right now: a full ledger may then be full for that token only. */
    boolean busy() {
        return owed.get() > 0 || taking.isLocked();
    }

    /**
     * Takes every owed token now, on the calling thread, after any take in flight: afterwards the ledger counts no
     * task this process finished. Any thread, monitor held or not.
     */
    void flush() {
        if (busy()) {
            takeOwed();
        }
    }

    /** Takes the owed tokens on this object's channel, after any take in flight. Never with the take lock held. */
    private void takeOwed() {
        Channel ch = openChannel();
        taking.lock();
        try {
            takeAll(ch);
        } finally {
            taking.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                synchronized (signal) {
                    while (owed.get() == 0 && !closed) {
                        signal.wait();
                    }
                }
                if (closed) {
                    return;
                }
                takeOwed();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("Taking ledger tokens from {} failed, will retry: {}", ledger, e.toString());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** Takes owed tokens until none is owed. Take lock held. */
    private void takeAll(Channel ch) {
        while (true) {
            int n = owed.get();
            if (n == 0) {
                return;
            }
            if (!owed.compareAndSet(n, n - 1)) {
                continue;
            }
            try {
                if (ch.basicGet(ledger, true) == null) {
                    LOG.warn("The ledger queue {} had no token to take: size() and the capacity under-count", ledger);
                }
            } catch (IOException | RuntimeException e) {
                owed.incrementAndGet(); // still owed: the next take tries again
                channel = null;
                throw broker.sideFailure("take a token from " + ledger, e);
            }
        }
    }

    /** The channel tokens are taken on, opened through the monitor; never called with the take lock held. */
    private Channel openChannel() {
        taking.lock();
        try {
            Channel ch = channel;
            if (ch != null && ch.isOpen()) {
                return ch;
            }
        } finally {
            taking.unlock();
        }
        Channel ch = monitor.call(() -> {
            try {
                return broker.newChannel();
            } catch (IOException e) {
                throw broker.sideFailure("open the channel that takes ledger tokens", e);
            }
        });
        taking.lock();
        try {
            Channel old = channel;
            if (old != null && old.isOpen()) {
                abort(ch);
                return old;
            }
            channel = ch;
            return ch;
        } finally {
            taking.unlock();
        }
    }

    private static void abort(Channel ch) {
        try {
            ch.close();
        } catch (IOException | TimeoutException | RuntimeException ignored) {
            // a spare channel that is failing to close is closed with its connection
        }
    }

    /** Stops the thread (the caller flushes first if it can). */
    @Override
    public void close() {
        closed = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        thread.interrupt();
    }
}
