package dev.scaleplane.adapters.http.testing;

import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Checks that no secret value shows in an exception or a log: {@link #wrap} puts the check on every error path of a
 * secrets adapter under test, so that a test class need not repeat it after each failing call, and {@link
 * #assertNotIn} reads a captured log ({@link CapturedOutput}). A value is looked for as written and in base64, the
 * form Kubernetes keeps and an echoing server may return. Values shorter than {@value #MIN_LENGTH} characters (a
 * {@code pw}, a user {@code app}) are not looked for: they stand in ordinary text.
 */
public final class SecretLeakCheck {
    /** The shortest value looked for. */
    public static final int MIN_LENGTH = 4;

    private SecretLeakCheck() {}

    /**
     * {@code adapter}, whose every call that throws is checked first: no value of {@code values} (read at each
     * failure, so values written later count) in the message, or the {@code toString}, of the exception or any of its
     * causes. An {@link AssertionError} naming the call replaces an exception that shows one.
     */
    public static SecretsAdapter wrap(SecretsAdapter adapter, Supplier<? extends Collection<String>> values) {
        return new Checked(Objects.requireNonNull(adapter, "adapter"), Objects.requireNonNull(values, "values"));
    }

    /** Throws {@link AssertionError} if {@code failure} or a cause of it shows a value of {@code values}. */
    public static void assertNotIn(Throwable failure, Collection<String> values) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            assertNotIn(
                    String.valueOf(c.getMessage()),
                    values,
                    "the message of " + c.getClass().getName());
            assertNotIn(c.toString(), values, "the toString of " + c.getClass().getName());
        }
    }

    /** Throws {@link AssertionError} if {@code text} (e.g. a captured log) shows a value of {@code values}. */
    public static void assertNotIn(String text, Collection<String> values, String what) {
        for (String v : values) {
            if (v.length() < MIN_LENGTH) {
                continue;
            }
            String b64 = Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
            if (text.contains(v) || text.contains(b64)) {
                // The value itself is not repeated here: the report would leak it into the build log.
                throw new AssertionError(
                        what + " shows a secret value of " + v.length() + " characters starting " + v.substring(0, 2)
                                + "...:\n" + text.replace(v, "<VALUE>").replace(b64, "<VALUE-B64>"));
            }
        }
    }

    private static final class Checked implements SecretsAdapter {
        private final SecretsAdapter delegate;
        private final Supplier<? extends Collection<String>> values;

        Checked(SecretsAdapter delegate, Supplier<? extends Collection<String>> values) {
            this.delegate = delegate;
            this.values = values;
        }

        private <T> T checked(String call, Supplier<T> body) {
            try {
                return body.get();
            } catch (RuntimeException e) {
                try {
                    assertNotIn(e, values.get());
                } catch (AssertionError leak) {
                    leak.addSuppressed(new AssertionError(
                            call + " failed with " + e.getClass().getName()));
                    throw leak;
                }
                throw e;
            }
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String system() {
            return delegate.system();
        }

        @Override
        public Set<SecretsCapability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public SecretVersion get(String name, SecretSelector selector) {
            return checked("get(" + name + ")", () -> delegate.get(name, selector));
        }

        @Override
        public Stream<String> list(String path) {
            Iterator<String> names =
                    checked("list(" + path + ")", () -> delegate.list(path)).iterator();
            Iterator<String> checkedNames = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return checked("list(" + path + ")", names::hasNext);
                }

                @Override
                public String next() {
                    return checked("list(" + path + ")", names::next);
                }
            };
            return StreamSupport.stream(
                    Spliterators.spliteratorUnknownSize(checkedNames, Spliterator.ORDERED | Spliterator.NONNULL),
                    false);
        }

        @Override
        public SecretVersion put(String name, Map<String, dev.scaleplane.api.adapters.secrets.Secret> data) {
            return checked("put(" + name + ")", () -> delegate.put(name, data));
        }

        @Override
        public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
            return checked("watch(" + names + ")", () -> delegate.watch(names, interval, listener));
        }

        @Override
        public void close() {
            checked("close()", () -> {
                delegate.close();
                return null;
            });
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
