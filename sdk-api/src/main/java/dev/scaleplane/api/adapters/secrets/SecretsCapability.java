package dev.scaleplane.api.adapters.secrets;

/**
 * What a secrets system offers through its adapter; a call outside them throws {@link UnsupportedOperationException}
 * naming the capability. The {@code SecretsAdapterCompatibilityKit} tests each clause only for adapters declaring it.
 */
public enum SecretsCapability {
    /** Older versions stay readable with {@link SecretSelector#version}. */
    VERSIONS,
    /** Versions carry stages, readable with {@link SecretSelector#stage} (AWS). */
    STAGES,
    /** {@link SecretsAdapter#put} writes a new version. */
    WRITE,
    /** {@link SecretsAdapter#list} lists names under a path. */
    LIST,
    /** {@link SecretsAdapter#watch} reports new versions. */
    WATCH
}
