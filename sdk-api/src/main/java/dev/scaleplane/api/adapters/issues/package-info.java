/**
 * Issue trackers behind one small interface: create, update, comment, close or transition, find and search, and
 * upsert by an external key so that a repeating failure comments on its open issue instead of opening a new one.
 * Implementations (GitHub Issues, Jira, Linear) are found through
 * {@link dev.scaleplane.api.spi.IssueTrackerAdapterProvider}; a platform holds named instances, reached with
 * {@code platform.adapters().issues(name)}. Bodies are Markdown; adapters convert them (Jira: Atlassian Document
 * Format).
 */
@NullMarked
package dev.scaleplane.api.adapters.issues;

import org.jspecify.annotations.NullMarked;
