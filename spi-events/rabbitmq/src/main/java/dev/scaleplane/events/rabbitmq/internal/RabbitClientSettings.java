package dev.scaleplane.events.rabbitmq.internal;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.core.config.ConfigKeys;
import dev.scaleplane.core.config.ConfigReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The connection settings every RabbitMQ configuration of this module takes, read the same way under the bus's
 * ({@code scaleplane.events.rabbitmq.}) and the task queue's ({@code scaleplane.tasks.rabbitmq.}) key prefix:
 *
 * <table>
 *   <caption>Keys under the prefix</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #URI}</td><td>(none)</td><td>{@code amqp://user:pass@host:port/vhost} or {@code amqps://...};
 *       when set, {@code host}, {@code port}, {@code virtual-host} and {@code username} must not be; {@code amqps}
 *       implies TLS; the {@code password} key, if set, wins over a password in the URI</td></tr>
 *   <tr><td>{@value #HOST}</td><td>per configuration</td><td>broker host</td></tr>
 *   <tr><td>{@value #PORT}</td><td>5672, 5671 with TLS</td><td>AMQP port</td></tr>
 *   <tr><td>{@value #VIRTUAL_HOST}</td><td>{@code /}</td><td>virtual host</td></tr>
 *   <tr><td>{@value #USERNAME} / {@value #PASSWORD}</td><td>{@code guest} / {@code guest}</td><td>credentials; the
 *       password (also inside a URI) is never printed</td></tr>
 *   <tr><td>{@value #TLS}</td><td>false</td><td>TLS with host name verification, trusting the JVM's trust store
 *       unless a trust store is given</td></tr>
 *   <tr><td>{@value #TLS_TRUST_STORE} / {@value #TLS_TRUST_STORE_PASSWORD}</td><td>(none)</td><td>a PKCS12 or JKS
 *       trust store and its password (never printed); only with TLS</td></tr>
 *   <tr><td>{@value #CONNECTION_TIMEOUT}</td><td>10s</td><td>TCP connect and AMQP handshake timeout, 100ms to
 *       1h</td></tr>
 * </table>
 *
 * <p>{@link #connectionFactory()} builds the client's {@link ConnectionFactory} from them; each user adds its own
 * recovery policy. Not API: the configuration classes document the keys. Immutable; thread-safe; the passwords are
 * redacted in {@link #toString()}.
 */
public final class RabbitClientSettings {
    /** Key suffix of the connection URI. */
    public static final String URI = "uri";
    /** Key suffix of the broker host. */
    public static final String HOST = "host";
    /** Key suffix of the AMQP port. */
    public static final String PORT = "port";
    /** Key suffix of the virtual host. */
    public static final String VIRTUAL_HOST = "virtual-host";
    /** Key suffix of the user name. */
    public static final String USERNAME = "username";
    /** Key suffix of the password. */
    public static final String PASSWORD = "password";
    /** Key suffix of the TLS switch. */
    public static final String TLS = "tls";
    /** Key suffix of the TLS trust store path. */
    public static final String TLS_TRUST_STORE = "tls-trust-store";
    /** Key suffix of the TLS trust store password. */
    public static final String TLS_TRUST_STORE_PASSWORD = "tls-trust-store-password";
    /** Key suffix of the connection timeout. */
    public static final String CONNECTION_TIMEOUT = "connection-timeout";

    /** What errors call the broker. */
    public static final String SYSTEM = "RabbitMQ broker";

    /** The default connection timeout. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> SUFFIXES = List.of(
            URI,
            HOST,
            PORT,
            VIRTUAL_HOST,
            USERNAME,
            PASSWORD,
            TLS,
            TLS_TRUST_STORE,
            TLS_TRUST_STORE_PASSWORD,
            CONNECTION_TIMEOUT);
    private static final Pattern URI_PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*:)[^@/]*@");
    private static final String URI_EXAMPLE = "an AMQP URI such as amqp://user@127.0.0.1:5672/vhost";

    private final String host;
    private final int port;
    private final String virtualHost;
    private final String username;
    private final String password;
    private final boolean tls;
    private final @Nullable String trustStore;
    private final @Nullable String trustStorePassword;
    private final Duration connectionTimeout;
    /** Where the address came from, for errors: the keys read, or the builder. */
    private final String addressSetting;
    /** Where the credentials came from, for errors. */
    private final String credentialSetting;
    /** The connection timeout's key, for errors. */
    private final String timeoutSetting;

    /**
     * Settings given directly (by a configuration's builder).
     *
     * @param port the port, or 0 for the default (5671 with TLS, else 5672)
     */
    public RabbitClientSettings(
            String host,
            int port,
            String virtualHost,
            String username,
            String password,
            boolean tls,
            @Nullable String trustStore,
            @Nullable String trustStorePassword,
            Duration connectionTimeout) {
        this(
                host,
                port,
                virtualHost,
                username,
                password,
                tls,
                trustStore,
                trustStorePassword,
                connectionTimeout,
                "the builder's host and port",
                "the builder's username and password",
                "the builder's connection timeout");
    }

    private RabbitClientSettings(
            String host,
            int port,
            String virtualHost,
            String username,
            String password,
            boolean tls,
            @Nullable String trustStore,
            @Nullable String trustStorePassword,
            Duration connectionTimeout,
            String addressSetting,
            String credentialSetting,
            String timeoutSetting) {
        this.addressSetting = addressSetting;
        this.credentialSetting = credentialSetting;
        this.timeoutSetting = timeoutSetting;
        this.host = Objects.requireNonNull(host, "host");
        this.port = port > 0 ? port : defaultPort(tls);
        this.virtualHost = Objects.requireNonNull(virtualHost, "virtualHost");
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.tls = tls;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
        this.connectionTimeout = Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    }

    /**
     * Reads the settings under {@code prefix}. Call it once {@code known} holds the configuration's own keys: it adds
     * the keys it reads, then reports on {@code reader} every problem (each with its key and value, passwords and the
     * password in a URI redacted), including an unknown key under {@code prefix} that looks like a password, so that
     * the caller's unknown-key check never prints its value. The caller throws once it has read everything.
     *
     * @param defaultHost the host when neither {@code host} nor {@code uri} is set
     */
    public static RabbitClientSettings read(ConfigReader reader, String prefix, String defaultHost, Set<String> known) {
        SUFFIXES.forEach(s -> known.add(prefix + s));
        String uriKey = prefix + URI;
        String hostKey = prefix + HOST;
        String passwordKey = prefix + PASSWORD;
        String host = reader.string(hostKey, defaultHost).trim();
        boolean tls = reader.bool(prefix + TLS, false);
        int port = reader.integer(prefix + PORT, defaultPort(tls), 1, 65535);
        String virtualHost = reader.string(prefix + VIRTUAL_HOST, "/");
        String username = reader.string(prefix + USERNAME, "guest");
        String password = reader.string(passwordKey, "guest");
        Optional<String> uri = reader.optional(uriKey).map(String::trim);
        if (uri.isPresent()) {
            for (String k : List.of(hostKey, prefix + PORT, prefix + VIRTUAL_HOST, prefix + USERNAME)) {
                reader.properties()
                        .get(k)
                        .ifPresent(v -> reader.check(
                                false,
                                k,
                                v,
                                "unset when " + uriKey + " is set (the URI names the host, port, virtual host and"
                                        + " user)"));
            }
            String shown = redactUri(uri.get());
            try {
                URI u = new URI(uri.get());
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (reader.check(
                        (scheme.equals("amqp") || scheme.equals("amqps")) && u.getHost() != null,
                        uriKey,
                        shown,
                        URI_EXAMPLE)) {
                    tls = tls || scheme.equals("amqps");
                    host = u.getHost();
                    port = u.getPort() > 0 ? u.getPort() : defaultPort(tls);
                    String path = u.getPath();
                    virtualHost = path == null || path.isEmpty() || path.equals("/") ? "/" : path.substring(1);
                    String userInfo = u.getUserInfo();
                    if (userInfo != null) {
                        int colon = userInfo.indexOf(':');
                        username = colon < 0 ? userInfo : userInfo.substring(0, colon);
                        if (colon >= 0 && reader.properties().get(passwordKey).isEmpty()) {
                            password = userInfo.substring(colon + 1);
                        }
                    }
                }
            } catch (URISyntaxException e) {
                reader.check(false, uriKey, shown, URI_EXAMPLE);
            }
        }
        reader.check(
                !host.isEmpty() && !host.contains("/") && !host.contains(" "),
                hostKey,
                host,
                "a host name or IP address");
        reader.check(
                !virtualHost.isEmpty(), prefix + VIRTUAL_HOST, virtualHost, "a non-empty virtual host name such as /");
        reader.check(!username.isEmpty(), prefix + USERNAME, username, "a non-empty user name");
        String storeKey = prefix + TLS_TRUST_STORE;
        Optional<String> store = reader.optional(storeKey);
        boolean withTls = tls;
        store.ifPresent(s -> reader.check(
                withTls,
                storeKey,
                s,
                "only with " + prefix + TLS + "=true or an amqps:// URI (a trust store without TLS would be ignored)"));
        Optional<String> storePassword = reader.optional(prefix + TLS_TRUST_STORE_PASSWORD);
        storePassword.ifPresent(p -> reader.check(
                store.isPresent(), prefix + TLS_TRUST_STORE_PASSWORD, ConfigKeys.REDACTED, "only with " + storeKey));
        Duration connectionTimeout = reader.duration(
                prefix + CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1));
        rejectMisspeltPasswords(reader, prefix, known);
        return new RabbitClientSettings(
                host,
                port,
                virtualHost,
                username,
                password,
                tls,
                store.orElse(null),
                storePassword.orElse(null),
                connectionTimeout,
                uri.isPresent() ? uriKey : hostKey + ", " + prefix + PORT,
                uri.isPresent() && reader.properties().get(passwordKey).isEmpty()
                        ? uriKey
                        : prefix + USERNAME + ", " + passwordKey,
                prefix + CONNECTION_TIMEOUT);
    }

    /**
     * These settings, naming in errors the keys {@code source} was read from when they connect the same way (a
     * configuration's builder copies what was read into its own fields and builds new settings from them);
     * otherwise these settings unchanged.
     */
    public RabbitClientSettings namedAs(@Nullable RabbitClientSettings source) {
        if (source == null
                || !(host.equals(source.host)
                        && port == source.port
                        && virtualHost.equals(source.virtualHost)
                        && username.equals(source.username)
                        && password.equals(source.password)
                        && tls == source.tls
                        && Objects.equals(trustStore, source.trustStore)
                        && Objects.equals(trustStorePassword, source.trustStorePassword)
                        && connectionTimeout.equals(source.connectionTimeout))) {
            return this;
        }
        return source;
    }

    /**
     * The error for a connection that could not be opened, naming the broker's address, the user (never the
     * password) and the setting to fix: the credentials' keys when the broker refused the login, else the address's.
     *
     * @param who what connects, e.g. "the event bus", for the message
     * @param e what {@code ConnectionFactory.newConnection} threw
     */
    public BackendUnreachableException connectFailure(String who, Exception e) {
        String address = host + ":" + port;
        String at = " (virtual host " + virtualHost + ", user " + username + ", for " + who + ")";
        if (e instanceof PossibleAuthenticationFailureException) {
            // The broker does not say whether the user or the password is wrong, and neither may be printed twice.
            return new BackendUnreachableException(
                    SYSTEM,
                    address,
                    credentialSetting,
                    "refused the login of user '" + username + "' on virtual host " + virtualHost
                            + ": the user name or password is wrong, or the user may not use the virtual host ("
                            + e.getMessage() + "; for " + who + ")",
                    e);
        }
        String problem;
        String setting = addressSetting;
        if (e instanceof ConnectException) {
            problem = "is unreachable: connection refused; is RabbitMQ running and listening there?";
        } else if (e instanceof UnknownHostException) {
            problem = "is unreachable: unknown host " + host;
        } else if (e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            problem = "is unreachable: no answer within the connection timeout of " + connectionTimeout + " ("
                    + timeoutSetting + ")";
        } else {
            problem = "is unreachable: " + e;
        }
        return new BackendUnreachableException(SYSTEM, address, setting, problem + at, e);
    }

    /**
     * Reports every set key under {@code prefix} that is not in {@code known} and looks like a password (a misspelt
     * {@code password}, say) on {@code reader} with its value redacted, and adds it to {@code known}: the core redacts
     * only keys it recognizes as secret, so the generic unknown-key check would print it.
     */
    private static void rejectMisspeltPasswords(ConfigReader reader, String prefix, Set<String> known) {
        for (String key : new TreeSet<>(reader.properties().keys())) {
            if (key.startsWith(prefix)
                    && !known.contains(key)
                    && ConfigKeys.looksLikePassword(key.substring(prefix.length()))) {
                reader.check(false, key, ConfigKeys.REDACTED, "a known key; did you mean " + prefix + PASSWORD + "?");
                known.add(key);
            }
        }
    }

    /** A URI with its password, if any, redacted. */
    public static String redactUri(String uri) {
        return URI_PASSWORD.matcher(uri).replaceFirst("$1" + ConfigKeys.REDACTED + "@");
    }

    private static int defaultPort(boolean tls) {
        return tls ? 5671 : 5672;
    }

    /** Broker host. */
    public String host() {
        return host;
    }

    /** AMQP port. */
    public int port() {
        return port;
    }

    /** Virtual host. */
    public String virtualHost() {
        return virtualHost;
    }

    /** User name. */
    public String username() {
        return username;
    }

    /** Password. Never log it. */
    public String password() {
        return password;
    }

    /** Whether connections use TLS. */
    public boolean tls() {
        return tls;
    }

    /** Path of the TLS trust store, if set. */
    public Optional<String> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** Password of the TLS trust store, if set. Never log it. */
    public Optional<String> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    /** Connect and handshake timeout. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /**
     * A new connection factory for these settings: address, virtual host, credentials, connection timeout and TLS
     * with host name verification (the trust store's, else the JVM's). The caller adds its recovery policy.
     *
     * @throws ScaleplaneException if TLS cannot be set up (the trust store cannot be read, say)
     */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost(host);
        cf.setPort(port);
        cf.setVirtualHost(virtualHost);
        cf.setUsername(username);
        cf.setPassword(password);
        cf.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, connectionTimeout.toMillis()));
        if (tls) {
            try {
                cf.useSslProtocol(sslContext());
                cf.enableHostnameVerification();
            } catch (IOException | GeneralSecurityException e) {
                throw new ScaleplaneException(
                        "cannot set up TLS for RabbitMQ at " + host + ":" + port + " with trust store "
                                + trustStore().orElse("(JVM default)") + ": " + e.getMessage(),
                        e);
            }
        }
        return cf;
    }

    private SSLContext sslContext() throws IOException, GeneralSecurityException {
        if (trustStore == null) {
            return SSLContext.getDefault();
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        char[] storePassword = trustStorePassword == null ? null : trustStorePassword.toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(trustStore))) {
            store.load(in, storePassword);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** Every setting, passwords redacted. */
    @Override
    public String toString() {
        return "host=" + host + ", port=" + port + ", virtualHost=" + virtualHost + ", username=" + username
                + ", password=" + ConfigKeys.REDACTED + ", tls=" + tls + ", trustStore=" + trustStore
                + ", trustStorePassword=" + (trustStorePassword == null ? null : ConfigKeys.REDACTED)
                + ", connectionTimeout=" + connectionTimeout;
    }
}
