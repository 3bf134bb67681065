package dev.scaleplane.adapters.vault;

import dev.scaleplane.adapters.vault.internal.VaultInstance;
import dev.scaleplane.adapters.vault.internal.VaultKv;
import dev.scaleplane.adapters.vault.internal.VaultSettings;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import java.util.Set;

/**
 * HashiCorp Vault's KV secrets engine, version 2, system {@code vault}, over Vault's HTTP API
 * (developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2). Settings: see {@link dev.scaleplane.adapters.vault}.
 * {@code <mount>} is {@code kv.mount}; a secret's name is its path under the mount ({@code apps/db}), sent with its
 * slashes and each segment percent-encoded.
 *
 * <ul>
 *   <li>{@code get(name)}: {@code GET /v1/<mount>/data/<name>}; {@code get(name, version("3"))} adds {@code
 *       ?version=3}. The fields are {@code data.data} (strings as they are, other JSON values as JSON text; an empty
 *       field is left out, since a {@code Secret} is never blank), the version {@code data.metadata.version}, the
 *       creation {@code data.metadata.created_time}. A deleted or destroyed version (Vault's 404 with its metadata)
 *       is a {@link VaultVersionDeletedException}; a secret or version that does not exist (404 {@code
 *       {"errors":[]}}) an {@code AdapterNotFoundException}. Stages are refused: KV v2 has none.
 *   <li>{@code put}: {@code POST /v1/<mount>/data/<name>} with {@code {"data": {...}}}, answered with the new
 *       version's {@code data.version}; with {@code kv.cas-required}, after {@code GET /v1/<mount>/metadata/<name>},
 *       with {@code "options": {"cas": <current_version>}} (0 for a new secret).
 *   <li>{@code list(folder)}: {@code GET /v1/<mount>/metadata/<folder>?list=true} (the documented alternative to the
 *       {@code LIST} verb), {@code data.keys} returned as full names ({@code folder/key}, sub-folders ending in {@code
 *       /}); an empty or missing folder (Vault's 404) is an empty stream.
 *   <li>{@code watch}: polls {@code GET /v1/<mount>/metadata/<name>} ({@code current_version}, {@code versions}) of each
 *       name at the interval on the plumbing's {@code RunPoller}, reporting each version after the baseline once, in
 *       order. Needs {@code read} on {@code <mount>/metadata/*} in the token's policy.
 * </ul>
 *
 * Authentication ({@code auth.type}): {@code token} sends {@code X-Vault-Token}, looking the token up ({@code GET
 * /v1/auth/token/lookup-self}) and renewing it ({@code POST /v1/auth/token/renew-self}) at two thirds of its lease;
 * {@code kubernetes} logs in ({@code POST /v1/auth/<auth.kubernetes.mount>/login} with {@code {"role", "jwt"}}, the
 * JWT read from the service-account token file), renews at two thirds of the lease, and logs in again when renewal
 * fails or cannot extend the lease. Every request carries {@code X-Vault-Request: true} and, with {@code namespace},
 * {@code X-Vault-Namespace}.
 *
 * <p>Errors: Vault's {@code {"errors": [...]}} bodies become the typed exceptions' server message: 403 (permission
 * denied, invalid token) {@code AdapterAuthenticationException}, never with the token; 400 (a refused write, a
 * check-and-set mismatch) {@code AdapterRequestRefusedException}; 503 (sealed, standby unable to serve) and other 5xx
 * {@code AdapterUnavailableException}, retried on reads (GET) but not on writes; 429 (rate-limit quotas) waits out
 * {@code Retry-After}.
 *
 * <p>Capabilities: {@code VERSIONS}, {@code WRITE}, {@code LIST}, {@code WATCH}; not {@code STAGES}.
 */
public final class VaultProvider implements SecretsAdapterProvider {

    /** Creates the provider; stateless. */
    public VaultProvider() {}

    @Override
    public String name() {
        return "vault";
    }

    /** Versions, writes, listing and watching; no stages (an AWS notion). */
    @Override
    public Set<SecretsCapability> capabilities() {
        return VaultKv.CAPABILITIES;
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        VaultSettings.read(instance, config);
    }

    @Override
    public SecretsAdapter create(String instance, ProviderContext context) {
        return VaultInstance.kv(instance, context);
    }
}
