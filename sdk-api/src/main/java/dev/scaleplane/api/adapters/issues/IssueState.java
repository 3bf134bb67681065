package dev.scaleplane.api.adapters.issues;

/** Whether an issue is open, mapped from each tracker's own states (the raw one is {@link Issue#status()}). */
public enum IssueState {
    /** Open (GitHub open, a Jira status not in the done category, a Linear state not completed or cancelled). */
    OPEN,
    /** Closed, done, completed or cancelled. */
    CLOSED
}
