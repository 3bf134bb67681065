package dev.scaleplane.api.slo;

/** Why a deployment may pass an error-budget freeze. */
public enum FreezeFlag {
    /** An ordinary deployment: refused while its service is frozen. */
    NONE,
    /** A fix for an ongoing incident. */
    EMERGENCY,
    /** A security fix. */
    SECURITY_FIX
}
