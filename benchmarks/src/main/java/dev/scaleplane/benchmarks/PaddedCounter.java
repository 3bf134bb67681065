package dev.scaleplane.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter of handled events that sits alone on its cache lines.
 *
 * <p>Every implementation's consumers count with this same class, so the consumer-side cost of counting is identical
 * for everyone. The increment is an atomic add rather than a single-writer store because some peers (Guava's
 * executor pool) may call one subscriber from different threads over time; the cost of one uncontended
 * {@code lock xadd} is paid by all alike. Padding keeps the counters of broadcast consumers from false sharing with
 * each other and with the waiting benchmark thread.
 */
public final class PaddedCounter extends CounterValue {
    long p10, p11, p12, p13, p14, p15, p16, p17;

    /** Adds one; safe from any thread. */
    public void increment() {
        VALUE.getAndAdd(this, 1L);
    }

    /** The current count (a volatile read). */
    public long get() {
        return value;
    }
}

/** Padding before the value; superclass fields are laid out first, so this order survives field reordering. */
abstract class CounterPadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The value itself. */
abstract class CounterValue extends CounterPadBefore {
    static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(CounterValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile long value;
}
