package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last link: sends over the JDK {@link HttpClient}. Failures without a response become {@link
 * AdapterUnavailableException}; one whose cause {@linkplain #notSent(Throwable) shows the request never left} can be
 * retried whatever the method.
 */
public final class Transport implements Interceptor {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        RESTRICTED.addAll(List.of("Connection", "Content-Length", "Expect", "Host", "Upgrade"));
    }

    private final HttpClient client;
    private final URI baseUri;
    private final Duration requestTimeout;

    public Transport(HttpClient client, URI baseUri, Duration requestTimeout) {
        this.client = client;
        this.baseUri = baseUri;
        this.requestTimeout = requestTimeout;
    }

    /** Whether {@code failure} happened while connecting, so the request was never sent. */
    public static boolean notSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        URI uri = request.resolve(baseUri);
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).timeout(requestTimeout);
        if ("http".equals(uri.getScheme())) {
            // Plain HTTP (tests, in-cluster Jenkins): no h2c upgrade dance, which some servers mishandle.
            http.version(HttpClient.Version.HTTP_1_1);
        }
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (!RESTRICTED.contains(h.getKey())) {
                h.getValue().forEach(v -> http.header(h.getKey(), v));
            }
        }
        byte[] body = request.body();
        http.method(
                request.method(),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> response = client.send(http.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new AdapterResponse(
                    request, response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new AdapterUnavailableException(
                    ErrorMapping.facts(chain.system(), chain.instance(), request), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterUnavailableException(
                    ErrorMapping.facts(chain.system(), chain.instance(), request), false, e);
        }
    }
}
