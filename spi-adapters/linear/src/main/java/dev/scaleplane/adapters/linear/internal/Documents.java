package dev.scaleplane.adapters.linear.internal;

/**
 * The GraphQL documents the adapter sends to Linear ({@code POST /graphql}, body {@code {"query": ..., "variables":
 * ...}}), written against Linear's published schema (github.com/linear/linear, {@code packages/sdk/src/schema.graphql}).
 * Every value a caller gives travels in {@code variables}; no document is ever assembled from input.
 *
 * <p>Queries are sent as repeatable (retried after a 5xx), mutations are not. Connections ask for {@code pageInfo {
 * hasNextPage endCursor }} and take {@code $after}, per linear.app/developers/pagination.
 */
public final class Documents {
    private Documents() {}

    /** The issue fields every document returns, as {@link LinearIssues} maps them. */
    static final String ISSUE_FIELDS =
            """
            fragment IssueFields on Issue {
              id
              identifier
              title
              url
              createdAt
              state { name type }
              team { key }
              labels(first: 50) { nodes { name } }
              assignee { id }
            }
            """;

    /** A team by its key, with its workflow states. Variables: {@code key}. */
    public static final String TEAM_BY_KEY =
            """
            query TeamByKey($key: String!) {
              teams(filter: { key: { eq: $key } }, first: 1) {
                nodes {
                  id
                  key
                  states(first: 100) { nodes { id name type position } }
                }
              }
            }
            """;

    /**
     * Labels by filter (names, and the team's or the workspace's). Variables: {@code filter} (an {@code
     * IssueLabelFilter}), {@code first}, {@code after}.
     */
    public static final String LABELS =
            """
            query Labels($filter: IssueLabelFilter!, $first: Int!, $after: String) {
              issueLabels(filter: $filter, first: $first, after: $after) {
                nodes { id name team { id } }
                pageInfo { hasNextPage endCursor }
              }
            }
            """;

    /** Creates a label. Variables: {@code input} ({@code name}, {@code teamId}). */
    public static final String CREATE_LABEL =
            """
            mutation CreateLabel($input: IssueLabelCreateInput!) {
              issueLabelCreate(input: $input) {
                success
                issueLabel { id name }
              }
            }
            """;

    /** One issue by identifier ({@code ENG-123}) or id. Variables: {@code id}. */
    public static final String ISSUE =
            """
            query Issue($id: String!) {
              issue(id: $id) { ...IssueFields }
            }
            """
                    + ISSUE_FIELDS;

    /** A page of issues. Variables: {@code filter} (an {@code IssueFilter}), {@code first}, {@code after}. */
    public static final String ISSUES =
            """
            query Issues($filter: IssueFilter!, $first: Int!, $after: String) {
              issues(filter: $filter, first: $first, after: $after) {
                nodes { ...IssueFields }
                pageInfo { hasNextPage endCursor }
              }
            }
            """
                    + ISSUE_FIELDS;

    /** Creates an issue. Variables: {@code input} (an {@code IssueCreateInput}). */
    public static final String CREATE_ISSUE =
            """
            mutation CreateIssue($input: IssueCreateInput!) {
              issueCreate(input: $input) {
                success
                issue { ...IssueFields }
              }
            }
            """
                    + ISSUE_FIELDS;

    /** Updates an issue. Variables: {@code id}, {@code input} (an {@code IssueUpdateInput}). */
    public static final String UPDATE_ISSUE =
            """
            mutation UpdateIssue($id: String!, $input: IssueUpdateInput!) {
              issueUpdate(id: $id, input: $input) {
                success
                issue { ...IssueFields }
              }
            }
            """
                    + ISSUE_FIELDS;

    /** Comments on an issue. Variables: {@code input} ({@code issueId}, {@code body}). */
    public static final String CREATE_COMMENT =
            """
            mutation CreateComment($input: CommentCreateInput!) {
              commentCreate(input: $input) {
                success
                comment { id }
              }
            }
            """;
}
