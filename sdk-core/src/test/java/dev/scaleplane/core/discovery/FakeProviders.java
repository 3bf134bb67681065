package dev.scaleplane.core.discovery;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;

/**
 * Tiny event bus providers for discovery tests. Public with public no-arg constructors, so {@link java.util.ServiceLoader}
 * can instantiate them from the {@code META-INF/services} files under {@code src/test/resources/discovery/}.
 */
public final class FakeProviders {

    private FakeProviders() {}

    /** A provider with a fixed name and priority that cannot create anything. */
    public abstract static class Fake implements EventBusProvider {
        private final String name;
        private final int priority;

        protected Fake(String name, int priority) {
            this.name = name;
            this.priority = priority;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.of();
        }

        @Override
        public EventBus create(ProviderContext context) {
            throw new UnsupportedOperationException("fake provider " + name);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "(" + name + ", " + priority + ")";
        }
    }

    public static final class Alpha extends Fake {
        public Alpha() {
            super("alpha", 0);
        }
    }

    public static final class Beta extends Fake {
        public Beta() {
            super("beta", 5);
        }
    }

    /** Claims Beta's name. */
    public static final class BetaTwin extends Fake {
        public BetaTwin() {
            super("beta", 1);
        }
    }

    /** Ties with Beta on priority. */
    public static final class Gamma extends Fake {
        public Gamma() {
            super("gamma", 5);
        }
    }

    /** Like the bundled in-memory provider. */
    public static final class Embedded extends Fake {
        public Embedded() {
            super("memory", EMBEDDED_PRIORITY);
        }
    }

    /** Has no name. */
    public static final class Nameless extends Fake {
        public Nameless() {
            super(" ", 0);
        }
    }

    /** Its constructor throws, like a backend whose client library is missing or misconfigured. */
    public static final class Throwing extends Fake {
        public Throwing() {
            super("throwing", 100);
            throw new IllegalStateException("boom: the broker client could not start");
        }
    }

    /** Registered as a provider but does not implement the interface. */
    public static final class NotAProvider {
        public NotAProvider() {}
    }
}
