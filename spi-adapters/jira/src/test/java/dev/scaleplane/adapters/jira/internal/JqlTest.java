package dev.scaleplane.adapters.jira.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JQL built from untrusted values: quoted, escaped, and unable to add clauses of their own. */
class JqlTest {

    @Test
    void valuesAreQuotedWithBackslashAndQuoteEscaped() {
        assertThat(Jql.quote("plain")).isEqualTo("\"plain\"");
        assertThat(Jql.quote("it\"s")).isEqualTo("\"it\\\"s\"");
        assertThat(Jql.quote("C:\\dir")).isEqualTo("\"C:\\\\dir\"");
        assertThat(Jql.quote("a\nb\tc")).isEqualTo("\"a b c\"");
    }

    @Test
    void anInjectedClauseStaysInsideTheString() {
        String jql = Jql.search(new IssueQuery("OPS", null, List.of("x\" OR project = \"SECRET"), ""));
        assertThat(jql)
                .isEqualTo("project = \"OPS\" AND labels = \"x\\\" OR project = \\\"SECRET\" ORDER BY created DESC");
    }

    @Test
    void everyPartOfAQuery() {
        assertThat(Jql.search(new IssueQuery("OPS", IssueState.OPEN, List.of("incident", "team-api"), "disk full")))
                .isEqualTo("project = \"OPS\" AND statusCategory != \"Done\" AND labels = \"incident\" AND labels ="
                        + " \"team-api\" AND text ~ \"disk full\" ORDER BY created DESC");
        assertThat(Jql.search(new IssueQuery("OPS", IssueState.CLOSED, List.of(), "")))
                .isEqualTo("project = \"OPS\" AND statusCategory = \"Done\" ORDER BY created DESC");
        assertThat(Jql.search(IssueQuery.of("OPS"))).isEqualTo("project = \"OPS\" ORDER BY created DESC");
    }

    @Test
    void luceneOperatorsInSearchTextBecomeSpaces() {
        assertThat(Jql.words("  disk-full: (node*) \"quoted\" a+b \\ ~x  ")).isEqualTo("disk full node quoted a b x");
        assertThat(Jql.search(new IssueQuery("OPS", null, List.of(), "C:\\temp \"x\"")))
                .endsWith("text ~ \"C temp x\" ORDER BY created DESC");
    }

    @Test
    void textWithNoWordIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> Jql.words("*** ???"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'*** ???'")
                .hasMessageContaining("at least one word");
    }

    @Test
    void theUpsertLookupFindsTheOldestOpenIssueWithTheLabel() {
        assertThat(Jql.openWithLabel("OPS", "scaleplane-key:nightly"))
                .isEqualTo("project = \"OPS\" AND labels = \"scaleplane-key:nightly\" AND statusCategory != \"Done\""
                        + " ORDER BY created ASC");
    }
}
