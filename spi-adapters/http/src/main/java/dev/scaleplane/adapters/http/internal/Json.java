package dev.scaleplane.adapters.http.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Jackson mapper of the plumbing: lenient on unknown properties, since vendors add fields all the time. */
public final class Json {
    /** Shared; ObjectMapper is thread-safe once configured. */
    public static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {}
}
