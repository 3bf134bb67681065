package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import java.util.List;

/** The chain position of one interceptor: {@link #proceed} hands the request to the next link. */
public final class RealChain implements Interceptor.Chain {
    private final List<Interceptor> links;
    private final int index;
    private final AdapterRequest request;
    private final String system;
    private final String instance;

    public RealChain(List<Interceptor> links, int index, AdapterRequest request, String system, String instance) {
        this.links = links;
        this.index = index;
        this.request = request;
        this.system = system;
        this.instance = instance;
    }

    /** Runs {@code request} through {@code links} from the first. */
    public static AdapterResponse run(List<Interceptor> links, AdapterRequest request, String system, String instance) {
        return links.get(0).intercept(new RealChain(links, 1, request, system, instance));
    }

    @Override
    public AdapterRequest request() {
        return request;
    }

    @Override
    public String system() {
        return system;
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public AdapterResponse proceed(AdapterRequest next) {
        if (index >= links.size()) {
            throw new IllegalStateException("the transport must be the last link and must not call proceed");
        }
        return links.get(index).intercept(new RealChain(links, index + 1, next, system, instance));
    }
}
