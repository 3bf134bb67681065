package dev.scaleplane.api.adapters.ci;

/** What a CI adapter offers beyond the contract of {@link CiAdapter} that every one keeps. The kit tests what is declared. */
public enum CiCapability {
    /** {@link CiAdapter#trigger} returns the run itself, not only a queue entry. */
    RUN_ID_ON_TRIGGER,
    /** {@link CiAdapter#cancel} stops a running run. */
    CANCEL,
    /** {@link CiTrigger#inputs()} reach the run. */
    INPUTS
}
