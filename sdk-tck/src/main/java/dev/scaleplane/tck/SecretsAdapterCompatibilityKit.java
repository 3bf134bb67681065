package dev.scaleplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.testing.CapturedOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link SecretsAdapter}, for every secrets system. An adapter module adds one subclass in its tests
 * that creates the adapter through its provider, pointed at the system under test (a local server following the
 * vendor's documented API, or the simulated Kubernetes fleet):
 *
 * <pre>{@code
 * class VaultCompatibilityTest extends SecretsAdapterCompatibilityKit {
 *     protected SecretsAdapter createAdapter() { return new VaultProvider().create("vault", context(fakeVault)); }
 *     protected Set<SecretsCapability> capabilities() { return new VaultProvider().capabilities(); }
 *     protected String folder() { return "tck/" + run; }
 * }
 * }</pre>
 *
 * <h2>What is tested</h2>
 *
 * Writing and reading versions, pinned versions and stages, listing, the rotation watch (each new version reported
 * once, the first one seen taken as the baseline), a missing secret as {@link AdapterNotFoundException}; and that no
 * value written in a test appears in any exception message, {@code toString} or line written to {@code System.err}
 * or {@code System.out} (where slf4j-simple logs) during it. Optional behaviour is a {@link TestFactory} yielding its
 * test only when the capability is declared; each undeclared capability has a test that its call is refused with
 * {@link UnsupportedOperationException} naming it.
 *
 * <h2>How the kit behaves</h2>
 *
 * Names are {@link #folder()}{@code /<name>}, with a random suffix per test. Watches poll at {@link #watchInterval()}.
 * A new adapter is created for every test and closed after it.
 */
public abstract class SecretsAdapterCompatibilityKit {

    /** The adapter of the current test. */
    protected SecretsAdapter adapter;

    /** A suffix unique to the current test. */
    protected String run;

    private final List<String> values = new CopyOnWriteArrayList<>();
    private CapturedOutput captured;

    /** Creates the adapter under test. */
    protected abstract SecretsAdapter createAdapter();

    /** What the adapter's provider declares; the kit checks that the adapter says the same. */
    protected abstract Set<SecretsCapability> capabilities();

    /**
     * Where the current test's secrets live, as {@link SecretsAdapter#list} takes it: a Vault folder ({@code
     * tck/<run>}), an AWS name prefix, a Kubernetes namespace. May use {@link #run}.
     */
    protected abstract String folder();

    /** A secret name of the current test, as {@link SecretsAdapter#get} takes it. Default {@code folder()/simple}. */
    protected String name(String simple) {
        return folder() + "/" + simple;
    }

    /** The poll interval of watches. Default 20 ms. */
    protected Duration watchInterval() {
        return Duration.ofMillis(20);
    }

    /** How long a watch may take to report a rotation. Default 10 s. */
    protected Duration watchTimeout() {
        return Duration.ofSeconds(10);
    }

    /** Starts capturing what the test writes to the standard streams, and creates the adapter. */
    @BeforeEach
    void open() {
        run = "tck" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        captured = new CapturedOutput();
        adapter = createAdapter();
    }

    /** Closes the adapter, restores the streams, and checks that no value written in the test was printed. */
    @AfterEach
    void closeAndScan() {
        try {
            if (adapter != null) {
                adapter.close();
            }
        } finally {
            captured.close();
        }
        String printed = captured.text();
        for (String v : values) {
            assertThat(printed).as("a secret value was printed to the logs").doesNotContain(v);
        }
    }

    /** A secret value that the kit then looks for in every message and log line. */
    protected Secret value(String hint) {
        String v = hint + "-" + UUID.randomUUID();
        values.add(v);
        return Secret.of(v);
    }

    private void assertNoValueIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (String v : values) {
                assertThat(String.valueOf(c.getMessage()))
                        .as("exception message")
                        .doesNotContain(v);
                assertThat(c.toString()).doesNotContain(v);
            }
        }
    }

    private Stream<DynamicTest> onlyIf(SecretsCapability capability, Executable body) {
        return capabilities().contains(capability)
                ? Stream.of(DynamicTest.dynamicTest(capability + " declared", body))
                : Stream.empty();
    }

    private static Map<String, String> revealed(SecretVersion v) {
        return v.data().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().reveal()));
    }

    @Test
    @DisplayName("the adapter declares the capabilities of its provider, its name and its system")
    void declares() {
        assertThat(adapter.capabilities()).isEqualTo(capabilities());
        assertThat(adapter.name()).isNotBlank();
        assertThat(adapter.system()).isNotBlank();
    }

    @TestFactory
    @DisplayName("a written version is read back as the latest, field by field, and never shown by toString")
    Stream<DynamicTest> putThenGet() {
        return onlyIf(SecretsCapability.WRITE, () -> {
            String name = name("db");
            Secret user = value("user");
            Secret password = value("password");
            SecretVersion written = adapter.put(name, Map.of("username", user, "password", password));
            assertThat(written.version()).isNotBlank();
            SecretVersion read = adapter.get(name);
            assertThat(read.name()).isEqualTo(name);
            assertThat(read.version()).isEqualTo(written.version());
            assertThat(revealed(read))
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("username", user.reveal(), "password", password.reveal()));
            assertThat(read.toString()).doesNotContain(user.reveal(), password.reveal());
            assertThatThrownBy(() -> read.field("missing"))
                    .isInstanceOf(NoSuchElementException.class)
                    .satisfies(this::assertNoValueIn);
        });
    }

    @TestFactory
    @DisplayName("a second write is a new latest version; with VERSIONS the first stays readable by its version")
    Stream<DynamicTest> versions() {
        return onlyIf(SecretsCapability.WRITE, () -> {
            String name = name("api-key");
            Secret first = value("first");
            Secret second = value("second");
            SecretVersion v1 = adapter.put(name, Map.of("key", first));
            SecretVersion v2 = adapter.put(name, Map.of("key", second));
            assertThat(v2.version()).isNotEqualTo(v1.version());
            assertThat(adapter.get(name).field("key")).isEqualTo(second);
            if (capabilities().contains(SecretsCapability.VERSIONS)) {
                SecretVersion old = adapter.get(name, SecretSelector.version(v1.version()));
                assertThat(old.version()).isEqualTo(v1.version());
                assertThat(old.field("key")).isEqualTo(first);
            }
            if (capabilities().contains(SecretsCapability.STAGES)) {
                assertThat(adapter.get(name, SecretSelector.stage("AWSCURRENT")).version())
                        .isEqualTo(v2.version());
                assertThat(adapter.get(name, SecretSelector.stage("AWSPREVIOUS"))
                                .version())
                        .isEqualTo(v1.version());
            }
        });
    }

    @Test
    @DisplayName("a secret that does not exist is AdapterNotFoundException naming it")
    void missing() {
        String name = name("nothing-here");
        assertThatThrownBy(() -> adapter.get(name))
                .isInstanceOf(AdapterNotFoundException.class)
                .satisfies(this::assertNoValueIn);
    }

    @TestFactory
    @DisplayName("listing a folder yields the names of its secrets, as get takes them")
    Stream<DynamicTest> list() {
        if (!capabilities().contains(SecretsCapability.WRITE)) {
            return Stream.empty();
        }
        return onlyIf(SecretsCapability.LIST, () -> {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                names.add(name("s" + i));
                adapter.put(names.get(i), Map.of("v", value("v" + i)));
            }
            assertThat(adapter.list(folder()).filter(n -> !n.endsWith("/"))).containsExactlyInAnyOrderElementsOf(names);
        });
    }

    @TestFactory
    @DisplayName("a watch reports each new version once, after the baseline, with no value in the event")
    Stream<DynamicTest> watch() {
        if (!capabilities().contains(SecretsCapability.WRITE)) {
            return Stream.empty();
        }
        return onlyIf(SecretsCapability.WATCH, () -> {
            String name = name("rotating");
            SecretVersion v1 = adapter.put(name, Map.of("token", value("t1")));
            List<SecretRotated> heard = new CopyOnWriteArrayList<>();
            AutoCloseable watch = adapter.watch(Set.of(name), watchInterval(), heard::add);
            try {
                // The baseline: the watch has read v1 once it reports nothing for a few intervals.
                Thread.sleep(watchInterval().multipliedBy(5).toMillis());
                assertThat(heard)
                        .as("the version present when the watch starts")
                        .isEmpty();
                SecretVersion v2 = adapter.put(name, Map.of("token", value("t2")));
                Awaitility.await("rotation of " + name).atMost(watchTimeout()).until(() -> !heard.isEmpty());
                SecretRotated r = heard.get(0);
                assertThat(r.name()).isEqualTo(name);
                assertThat(r.version()).isEqualTo(v2.version());
                assertThat(r.previousVersion()).isEqualTo(v1.version());
                assertThat(r.instance()).isEqualTo(adapter.name());
                assertThat(r.system()).isEqualTo(adapter.system());
                for (String v : values) {
                    assertThat(r.toString()).doesNotContain(v);
                }
                Thread.sleep(watchInterval().multipliedBy(5).toMillis());
                assertThat(heard).as("one report per version").hasSize(1);
            } finally {
                watch.close();
            }
        });
    }

    @TestFactory
    @DisplayName("calls outside the declared capabilities are refused, naming the capability")
    Stream<DynamicTest> undeclaredCapabilitiesAreRefused() {
        List<DynamicTest> tests = new ArrayList<>();
        EnumSet<SecretsCapability> declared = EnumSet.noneOf(SecretsCapability.class);
        declared.addAll(capabilities());
        for (SecretsCapability c : EnumSet.complementOf(declared)) {
            Executable call =
                    switch (c) {
                        case VERSIONS -> () -> adapter.get(name("x"), SecretSelector.version("1"));
                        case STAGES -> () -> adapter.get(name("x"), SecretSelector.stage("AWSCURRENT"));
                        case WRITE -> () -> adapter.put(name("x"), Map.of("v", value("x")));
                        case LIST -> () -> adapter.list(folder()).count();
                        case WATCH -> () -> adapter.watch(Set.of(name("x")), watchInterval(), r -> {})
                                .close();
                    };
            tests.add(DynamicTest.dynamicTest(c + " not declared", () -> assertThatThrownBy(call::execute)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining(c.name())));
        }
        return tests.stream();
    }
}
