/**
 * Secrets adapters: read, list, write and watch secrets in a secrets system (Vault KV v2, AWS Secrets Manager,
 * Kubernetes Secrets) through {@link dev.scaleplane.api.adapters.secrets.SecretsAdapter}. Values travel as {@link
 * dev.scaleplane.api.adapters.secrets.Secret}, which never shows itself in {@code toString}, logs or exception
 * messages. Rotations are announced on the bus as {@link dev.scaleplane.api.adapters.secrets.SecretRotated}, without
 * the value.
 */
@NullMarked
package dev.scaleplane.api.adapters.secrets;

import org.jspecify.annotations.NullMarked;
