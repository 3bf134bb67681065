package dev.scaleplane.federation.kubernetes.testing.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The object store of one simulated cluster: fabric8's {@link KubernetesCrudDispatcher} with two changes.
 *
 * <ul>
 *   <li>{@code apps/v1} Deployments and StatefulSets have a status subresource, as on a real API server: a create
 *       drops {@code status}, a PUT or PATCH of the main resource keeps the stored status, and only
 *       {@code .../status} writes change it. The stock CRUD mock enables this only for custom resources, so a client
 *       that re-applies a Deployment without status would otherwise erase what the controller wrote.
 *   <li>Every change to such a workload is reported to a {@link WorkloadListener}, which is how the simulated
 *       controller learns about work without polling or a watch of its own.
 * </ul>
 *
 * <p>The instance outlives the HTTP server in front of it: a partition stops the server and a heal starts a new one on
 * the same dispatcher, so stored objects and the resourceVersion counter survive. {@link #call} reaches the store
 * in-process, past any fault injection, for seeding and for the simulated controller.
 *
 * <p>Thread-safety: safe for concurrent use; the superclass serialises writes with a read-write lock.
 */
public final class SimulatedCrudDispatcher extends KubernetesCrudDispatcher {
    /** Reads merge patches; Jackson 3 as fabric8 uses it (its shared mapper is deprecated). */
    private static final JsonMapper MERGE_MAPPER = JsonMapper.builder().build();

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCrudDispatcher.class);

    /** {@code /apis/apps/v1/namespaces/<ns>/<deployments|statefulsets>[/<name>][/status][?query]}. */
    private static final Pattern WORKLOAD_PATH =
            Pattern.compile("^/apis/apps/v1/namespaces/(?<namespace>[^/?]+)/(?<plural>deployments|statefulsets)"
                    + "(?:/(?<name>[^/?]+))?(?:/status)?(?:\\?.*)?$");

    private volatile WorkloadListener listener = (kind, namespace, name, deleted) -> {};

    /** Receives every change of a Deployment or StatefulSet in the store. */
    @FunctionalInterface
    public interface WorkloadListener {
        /**
         * Called after the store changed, on the thread that made the change and while the store's write lock is
         * held: implementations must only hand the work off (for example to an executor), never block or call back
         * into the store.
         *
         * @param kind the workload kind
         * @param namespace the object's namespace
         * @param name the object's name
         * @param deleted whether the object was removed from the store
         */
        void changed(WorkloadKind kind, String namespace, String name, boolean deleted);
    }

    /** Creates an empty store. */
    public SimulatedCrudDispatcher() {
        super();
    }

    /**
     * Sets the listener that hears about workload changes, replacing the previous one.
     *
     * @param listener the listener
     */
    public void listener(WorkloadListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sends one request to the store in-process, without HTTP and without fault injection.
     *
     * @param method the HTTP method
     * @param path the request path with its query, as a client would send it
     * @param body the JSON body, or {@code null}
     * @return the store's answer
     */
    public MockResponse call(HttpMethod method, String path, @Nullable String body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Headers.Builder headers = Headers.builder();
        if (body != null) {
            headers.add("Content-Type", "application/json");
        }
        Buffer buffer = new Buffer(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
        MockResponse response = dispatch(new RecordedRequest("HTTP/1.1", method, path, headers.build(), buffer));
        if (response == null) {
            throw new IllegalArgumentException("the simulated store does not handle " + method + " " + path);
        }
        return response;
    }

    @Override
    public boolean isStatusSubresourceEnabledForResource(String path) {
        return WORKLOAD_PATH.matcher(path).matches() || super.isStatusSubresourceEnabledForResource(path);
    }

    @Override
    public void processEvent(
            String path,
            AttributeSet pathAttributes,
            @Nullable AttributeSet oldAttributes,
            @Nullable GenericKubernetesResource resource,
            @Nullable String newState) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        Matcher matcher = WORKLOAD_PATH.matcher(path);
        if (!matcher.matches()) {
            return;
        }
        // A POST has no name in its path and a collection DELETE names each object only in its stored attributes.
        String name = matcher.group("name");
        if (name == null) {
            name = attribute(pathAttributes, KubernetesAttributesExtractor.NAME);
        }
        if (name == null && oldAttributes != null) {
            name = attribute(oldAttributes, KubernetesAttributesExtractor.NAME);
        }
        if (name == null) {
            LOG.debug("cannot tell which workload changed at {}", path);
            return;
        }
        WorkloadKind kind = WorkloadKind.ofPlural(matcher.group("plural"));
        listener.changed(kind, matcher.group("namespace"), name, newState == null);
    }

    private static @Nullable String attribute(AttributeSet attributes, String key) {
        Attribute attribute = attributes.getAttribute(key);
        if (attribute == null || attribute.getValues().isEmpty()) {
            return null;
        }
        return attribute.getValues().get(0).toString();
    }

    /**
     * A JSON merge patch as RFC 7386 and the API server apply it: objects merged key by key, {@code null} removes a
     * key, anything else (lists included) replaces. fabric8 8.0.0's CRUD mock merges with Jackson's
     * {@code readerForUpdating}, which appends to lists, so a patched Deployment would gain a second container.
     */
    @Override
    public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
        JsonNode p;
        try {
            p = MERGE_MAPPER.readTree(patch);
        } catch (JacksonException e) {
            throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
        }
        return mergePatch(current.deepCopy(), p);
    }

    private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode out = target.isObject() ? (ObjectNode) target : MERGE_MAPPER.createObjectNode();
        for (var e : patch.properties()) {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                JsonNode existing = out.get(e.getKey());
                out.set(e.getKey(), mergePatch(existing == null ? MERGE_MAPPER.nullNode() : existing, e.getValue()));
            }
        }
        return out;
    }
}
