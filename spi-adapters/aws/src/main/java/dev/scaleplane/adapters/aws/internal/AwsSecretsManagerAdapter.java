package dev.scaleplane.adapters.aws.internal;

import dev.scaleplane.adapters.aws.AwsSecretsManager;
import dev.scaleplane.adapters.http.VersionWatch;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.APIErrorType;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;

/**
 * The {@link AwsSecretsManager} of one instance, over the SDK's {@link SecretsManagerClient}; the calls are tabled on
 * {@code AwsSecretsManagerProvider}. Thread-safe: the SDK client is, and each watch is the plumbing's {@link
 * VersionWatch} over {@code DescribeSecret} (the version carrying {@code AWSCURRENT}; no value is read).
 */
public final class AwsSecretsManagerAdapter implements AwsSecretsManager {
    /** Everything Secrets Manager offers through the interface. */
    public static final Set<SecretsCapability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.allOf(SecretsCapability.class));

    /** The stage of the current version. */
    static final String CURRENT = "AWSCURRENT";

    /** {@code BatchGetSecretValue} takes at most this many ids. */
    static final int BATCH_LIMIT = 20;

    /** The {@code name} filter's value pattern (API_Filter), without the leading {@code !} that negates. */
    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9 :_@/+=.\\-!]*");

    private final AwsSettings settings;
    private final SecretsManagerClient client;
    private final AwsCalls calls;
    private final Clock clock;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<VersionWatch> watches = ConcurrentHashMap.newKeySet();

    AwsSecretsManagerAdapter(
            AwsSettings settings, SecretsManagerClient client, AwsCalls calls, Clock clock, List<AutoCloseable> owned) {
        this.settings = settings;
        this.client = client;
        this.calls = calls;
        this.clock = clock;
        this.owned = List.copyOf(owned);
    }

    @Override
    public String name() {
        return settings.instance();
    }

    @Override
    public String system() {
        return AwsSettings.SYSTEM;
    }

    @Override
    public Set<SecretsCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public SecretVersion get(String name, SecretSelector selector) {
        requireId(name);
        Objects.requireNonNull(selector, "selector");
        GetSecretValueRequest.Builder request = GetSecretValueRequest.builder().secretId(name);
        if (selector.version() != null) {
            request.versionId(selector.version());
        }
        if (selector.stage() != null) {
            request.versionStage(selector.stage());
        }
        String subject = name
                + (selector.isLatest()
                        ? ""
                        : " ("
                                + (selector.version() != null
                                        ? "version " + selector.version()
                                        : "stage " + selector.stage())
                                + ")");
        GetSecretValueResponse r = calls.call("GetSecretValue", subject, () -> client.getSecretValue(request.build()));
        return SecretFields.version(
                name, r.versionId(), r.secretString(), r.secretBinary(), r.versionStages(), r.createdDate());
    }

    @Override
    public Stream<String> list(String path) {
        Objects.requireNonNull(path, "path");
        if (path.length() > 512 || path.startsWith("!") || !PREFIX.matcher(path).matches()) {
            throw new IllegalArgumentException(
                    "cannot list AWS secrets under '" + path + "': a name prefix has at most"
                            + " 512 letters, digits, spaces or :_@/+=.-! and does not start with '!' (which negates the filter)");
        }
        ListSecretsRequest.Builder request = ListSecretsRequest.builder().maxResults(settings.pageSize());
        if (!path.isEmpty()) {
            request.filters(
                    Filter.builder().key(FilterNameStringType.NAME).values(path).build());
        }
        String subject = "prefix '" + path + "'";
        // Lazy: the SDK paginator fetches a page (following NextToken, across empty pages) only when the stream
        // needs one. The name filter is a prefix match already; startsWith keeps to that if a server is laxer.
        Iterator<ListSecretsResponse> pages =
                client.listSecretsPaginator(request.build()).iterator();
        Iterator<ListSecretsResponse> fetched = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pages.hasNext();
            }

            @Override
            public ListSecretsResponse next() {
                return calls.call("ListSecrets", subject, pages::next);
            }
        };
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(fetched, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .flatMap(page -> page.secretList().stream())
                .map(SecretListEntry::name)
                .filter(n -> n != null && n.startsWith(path));
    }

    @Override
    public SecretVersion put(String name, Map<String, Secret> data) {
        requireId(name);
        Objects.requireNonNull(data, "data");
        if (data.isEmpty()) {
            throw new IllegalArgumentException("a secret needs at least one field; " + name + " was given none");
        }
        for (String field : data.keySet()) {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("secret " + name + " has a blank field name; every field needs one");
            }
        }
        String value = SecretFields.secretString(data);
        try {
            return written(name, data, putValue(name, value));
        } catch (AdapterNotFoundException absent) {
            // Not there yet: create it, its first version AWSCURRENT.
        }
        try {
            CreateSecretResponse created = calls.call(
                    "CreateSecret",
                    name,
                    () -> client.createSecret(b -> b.name(name).secretString(value)));
            return new SecretVersion(name, created.versionId(), data, Set.of(CURRENT), null);
        } catch (AdapterRequestRefusedException e) {
            if (!AwsCalls.hasCode(e, "ResourceExistsException")) {
                throw e;
            }
            // Created by someone else in between: write our value as its next version.
        }
        return written(name, data, putValue(name, value));
    }

    private PutSecretValueResponse putValue(String name, String value) {
        // The SDK sets ClientRequestToken once per call: a retried attempt cannot make a second version.
        return calls.call(
                "PutSecretValue",
                name,
                () -> client.putSecretValue(b -> b.secretId(name).secretString(value)));
    }

    private static SecretVersion written(String name, Map<String, Secret> data, PutSecretValueResponse r) {
        return new SecretVersion(
                name,
                r.versionId(),
                data,
                r.hasVersionStages() ? Set.copyOf(r.versionStages()) : Set.of(CURRENT),
                null);
    }

    @Override
    public Map<String, SecretVersion> getAll(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(names));
        ids.forEach(AwsSecretsManagerAdapter::requireId);
        Map<String, SecretVersion> found = new LinkedHashMap<>();
        Map<String, APIErrorType> failed = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH_LIMIT) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH_LIMIT));
            String subject = chunk.size() + " secrets (" + chunk.get(0) + (chunk.size() > 1 ? ", ..." : "") + ")";
            Iterator<BatchGetSecretValueResponse> pages = client.batchGetSecretValuePaginator(
                            BatchGetSecretValueRequest.builder()
                                    .secretIdList(chunk)
                                    .build())
                    .iterator();
            List<SecretValueEntry> entries = new ArrayList<>();
            while (pages.hasNext()) {
                BatchGetSecretValueResponse page = calls.call("BatchGetSecretValue", subject, pages::next);
                entries.addAll(page.secretValues());
                for (APIErrorType e : page.errors()) {
                    failed.put(e.secretId() == null ? "?" : e.secretId(), e);
                }
            }
            // Entries do not say which id asked for them: match each id to one (a secret asked for by name and by
            // ARN answers both).
            for (String id : chunk) {
                SecretValueEntry e = entryOf(id, entries);
                if (e != null && !failed.containsKey(id)) {
                    found.put(
                            id,
                            SecretFields.version(
                                    id,
                                    e.versionId(),
                                    e.secretString(),
                                    e.secretBinary(),
                                    e.versionStages(),
                                    e.createdDate()));
                }
            }
        }
        for (String id : ids) {
            if (!found.containsKey(id) && !failed.containsKey(id)) {
                failed.put(
                        id,
                        APIErrorType.builder()
                                .secretId(id)
                                .errorCode("ResourceNotFoundException")
                                .message("not in the answer")
                                .build());
            }
        }
        if (!failed.isEmpty()) {
            throw batchFailure(failed);
        }
        Map<String, SecretVersion> ordered = new LinkedHashMap<>();
        ids.forEach(id -> ordered.put(id, found.get(id)));
        return Collections.unmodifiableMap(ordered);
    }

    /** The entry answering {@code id}: by name, by ARN, or by the ARN without its random suffix. */
    private static @Nullable SecretValueEntry entryOf(String id, List<SecretValueEntry> entries) {
        for (SecretValueEntry e : entries) {
            if (id.equals(e.name())
                    || id.equals(e.arn())
                    || (e.arn() != null && e.arn().startsWith(id + "-"))) {
                return e;
            }
        }
        return null;
    }

    private AdapterException batchFailure(Map<String, APIErrorType> failed) {
        StringBuilder message = new StringBuilder();
        for (APIErrorType e : failed.values()) {
            if (message.length() > 0) {
                message.append("; ");
            }
            message.append(e.secretId()).append(": ").append(e.errorCode());
            if (e.message() != null) {
                message.append(" (").append(e.message()).append(')');
            }
        }
        APIErrorType first = failed.values().iterator().next();
        String text = calls.scrub(message.toString());
        AdapterCallFacts facts = new AdapterCallFacts(
                AwsSettings.SYSTEM,
                settings.instance(),
                "POST",
                "BatchGetSecretValue " + new TreeSet<>(failed.keySet()),
                200,
                null,
                text.length() > 300 ? text.substring(0, 300) + "..." : text);
        String code = first.errorCode() == null ? "" : first.errorCode();
        return switch (code) {
            case "ResourceNotFoundException" -> new AdapterNotFoundException(facts, null);
            case "AccessDeniedException", "DecryptionFailure" -> new AdapterAuthenticationException(facts, null);
            case "ThrottlingException" -> new AdapterRateLimitedException(facts, Duration.ZERO, null);
            case "InternalServiceError" -> new AdapterUnavailableException(facts, false, null);
            default -> new AdapterRequestRefusedException(facts, null);
        };
    }

    @Override
    public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(listener, "listener");
        names.forEach(AwsSecretsManagerAdapter::requireId);
        if (closed.get()) {
            throw new IllegalStateException("AWS Secrets Manager instance " + settings.instance() + " is closed");
        }
        watches.removeIf(VersionWatch::isClosed);
        VersionWatch watch = VersionWatch.start(
                AwsSettings.SYSTEM,
                settings.instance(),
                names,
                interval,
                name -> Optional.ofNullable(currentVersion(name)).map(VersionWatch.Versions::of),
                listener,
                clock,
                ThreadLocalRandom.current()::nextDouble);
        watches.add(watch);
        return watch;
    }

    /** The version carrying {@code AWSCURRENT}, from {@code DescribeSecret} (metadata only, no value). */
    private @Nullable String currentVersion(String name) {
        DescribeSecretResponse d =
                calls.call("DescribeSecret", name, () -> client.describeSecret(b -> b.secretId(name)));
        for (Map.Entry<String, List<String>> e : d.versionIdsToStages().entrySet()) {
            if (e.getValue().contains(CURRENT)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Stops the watches and closes the SDK client and the credentials provider. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watches.forEach(VersionWatch::close);
        AwsInstance.closeQuietly(client);
        for (AutoCloseable c : owned) {
            AwsInstance.closeQuietly(c);
        }
    }

    private static void requireId(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 2048) {
            throw new IllegalArgumentException(
                    "an AWS secret name or ARN has 1 to 2048 characters, but was '" + name + "'");
        }
    }

    @Override
    public String toString() {
        return "AwsSecretsManager[" + settings + "]";
    }
}
