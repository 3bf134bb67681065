package dev.scaleplane.api.adapters.issues;

/**
 * What an issue-tracker adapter offers beyond the contract of {@link IssueTrackerAdapter} that every one keeps. The
 * kit tests what is declared.
 */
public enum IssueTrackerCapability {
    /** Labels are kept and searchable. */
    LABELS,
    /** Workflow transitions by name beyond close and reopen. */
    WORKFLOW_TRANSITIONS,
    /** Issues can be assigned. */
    ASSIGNEE
}
