package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * fabric8 failures as the API's typed {@link AdapterException}s: 401/403 authentication, 404/410 not found,
 * 400/409/422 refused, 429 rate limited (the server's {@code retryAfterSeconds}, else 1 s), 5xx and no answer
 * unavailable. The server's message is kept, with every value of the call (and its base64 form) replaced by
 * {@code ****} in case the server echoed one; the fabric8 exception is kept as the cause only when its own text holds
 * no value.
 */
public final class KubernetesErrors {
    private KubernetesErrors() {}

    /**
     * The typed exception of a failed call.
     *
     * @param system {@code kubernetes}
     * @param instance the adapter instance, or {@code <propagation>@<cluster>}
     * @param method the HTTP method
     * @param path the API path (no query)
     * @param e fabric8's exception
     * @param values the values of the call, redacted from every message
     */
    public static AdapterException map(
            String system,
            String instance,
            String method,
            String path,
            KubernetesClientException e,
            Collection<Secret> values) {
        int code = Math.max(e.getCode(), 0);
        Status status = e.getStatus();
        String serverMessage = status != null && status.getMessage() != null
                ? redact(status.getMessage(), values)
                : code == 0 ? redact(rootMessage(e), values) : null;
        AdapterCallFacts facts = new AdapterCallFacts(system, instance, method, path, code, null, serverMessage);
        Throwable cause = containsValue(e, values) ? null : e;
        if (code == 401 || code == 403) {
            return new AdapterAuthenticationException(facts, cause);
        }
        if (code == 404 || code == 410) {
            return new AdapterNotFoundException(facts, cause);
        }
        if (code == 400 || code == 409 || code == 422) {
            return new AdapterRequestRefusedException(facts, cause);
        }
        if (code == 429) {
            Integer after = status != null && status.getDetails() != null
                    ? status.getDetails().getRetryAfterSeconds()
                    : null;
            return new AdapterRateLimitedException(facts, Duration.ofSeconds(after == null ? 1 : after), cause);
        }
        if (code == 0 || code >= 500) {
            return new AdapterUnavailableException(facts, false, cause);
        }
        return new AdapterException(facts, "", cause);
    }

    /** {@code text} with every value of {@code values}, and its base64 form, replaced by {@code ****}. */
    public static String redact(String text, Collection<Secret> values) {
        String out = text;
        for (Secret s : values) {
            String v = s.reveal();
            out = out.replace(v, "****")
                    .replace(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)), "****");
        }
        return out;
    }

    private static boolean containsValue(Throwable t, Collection<Secret> values) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String text = String.valueOf(c.getMessage());
            if (!redact(text, values).equals(text)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        @Nullable String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
