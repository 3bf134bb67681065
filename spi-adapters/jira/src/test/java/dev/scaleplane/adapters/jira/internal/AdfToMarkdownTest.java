package dev.scaleplane.adapters.jira.internal;

import static dev.scaleplane.adapters.jira.internal.MarkdownToAdfTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.scaleplane.adapters.jira.AdfCheck;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ADF back to Markdown: the subset comes back as Markdown that converts to the same document (a round trip for every
 * construct, nested and escaped), and nodes outside the subset keep their text.
 */
class AdfToMarkdownTest {

    static List<String> subsetSamples() {
        return List.of(
                "plain text",
                "# One\n\n## Two\n\n###### Six",
                "**bold** and *italic* and ***both***",
                "**bold *and italic***",
                "un*frigging*believable",
                "`code` and `` a`b `` and ` `` `",
                "[link](https://e.example/a_b \"Title\") and [**bold link**](https://e.example)",
                "[`code link`](https://e.example/c)",
                "<https://auto.example/x>",
                "[with space](<https://e.example/a b>) and [parens](https://e.example/F_(x))",
                "line one\nline two\\\nline three",
                "escapes: \\* \\_ \\` \\[ \\] \\\\ <not> snake_case a_b_c _x_",
                "# Heading ends with hash #",
                "\\# not a heading\n\\- not a list\n1\\. not ordered\n\\> not a quote",
                "- a\n- b\n  - nested\n    1. deep\n- c",
                "3. three\n4. four",
                "- first\n\n  second paragraph\n\n  ```sh\n  make\n  ```\n- next",
                "- - starts nested",
                "-\n- after empty",
                "- one list\n\n* second list\n\n- third list",
                "1. one\n\n1) two",
                "```java\nclass A {}\n```",
                "````\n```\nfence inside\n```\n````",
                "```\n```",
                "text **bold  ** after",
                "**a.**b and *(x)*y",
                "## Deployment `api` failed\n\nThe rollout to **eu-west** stopped at wave *2 of 3*.\n\n"
                        + "- cluster: `paris-1`\n- reason: readiness probe failed\n  - 3 of 5 pods ready\n\n"
                        + "1. Check the [run](https://ci.example.com/runs/42)\n2. Roll back\n\n"
                        + "```text\nError: timed out waiting for condition\n```");
    }

    @ParameterizedTest
    @MethodSource("subsetSamples")
    void theSubsetRoundTrips(String markdown) {
        JsonNode adf = MarkdownToAdf.convert(markdown);
        String back = AdfToMarkdown.convert(adf);
        JsonNode again = MarkdownToAdf.convert(back);
        assertThat(AdfCheck.problems(again)).isEmpty();
        assertThat(again).as("Markdown written back:\n%s", back).isEqualTo(adf);
        // And the Markdown written back is a fixed point.
        assertThat(AdfToMarkdown.convert(again)).isEqualTo(back);
    }

    @Test
    void rendersEachConstructAsCommonMark() {
        String md = AdfToMarkdown.convert(json("{'type':'doc','version':1,'content':["
                + "{'type':'heading','attrs':{'level':2},'content':[{'type':'text','text':'Title'}]},"
                + "{'type':'paragraph','content':["
                + "  {'type':'text','text':'a '},"
                + "  {'type':'text','text':'b','marks':[{'type':'strong'}]},"
                + "  {'type':'text','text':' c ','marks':[{'type':'em'}]},"
                + "  {'type':'text','text':'d','marks':[{'type':'code'}]},"
                + "  {'type':'hardBreak'},"
                + "  {'type':'text','text':'e','marks':[{'type':'link','attrs':{'href':'https://e.example'}}]}]},"
                + "{'type':'bulletList','content':[{'type':'listItem','content':[{'type':'paragraph','content':"
                + "  [{'type':'text','text':'item'}]}]}]},"
                + "{'type':'orderedList','attrs':{'order':5},'content':[{'type':'listItem','content':"
                + "  [{'type':'paragraph','content':[{'type':'text','text':'five'}]}]}]},"
                + "{'type':'codeBlock','attrs':{'language':'sh'},'content':[{'type':'text','text':'make'}]}]}"));
        assertThat(md)
                .isEqualTo(
                        "## Title\n\na **b** *c* `d`\\\n[e](https://e.example)\n\n- item\n\n5. five\n\n```sh\nmake\n```");
    }

    @Test
    void nothingGivesAnEmptyString() {
        assertThat(AdfToMarkdown.convert(null)).isEmpty();
        assertThat(AdfToMarkdown.convert(NullNode.getInstance())).isEmpty();
        assertThat(AdfToMarkdown.convert(json("{'type':'doc','version':1,'content':[]}")))
                .isEmpty();
    }

    @Test
    void aPlainStringIsReturnedAsItIs() {
        assertThat(AdfToMarkdown.convert(json("'v2 *plain* text'"))).isEqualTo("v2 *plain* text");
    }

    @Test
    void nodesOutsideTheSubsetKeepTheirText() {
        String md = AdfToMarkdown.convert(json("{'type':'doc','version':1,'content':["
                + "{'type':'blockquote','content':[{'type':'paragraph','content':[{'type':'text','text':'quoted'}]}]},"
                + "{'type':'rule'},"
                + "{'type':'panel','attrs':{'panelType':'info'},'content':[{'type':'paragraph','content':"
                + "  [{'type':'text','text':'in a panel'}]}]},"
                + "{'type':'paragraph','content':["
                + "  {'type':'mention','attrs':{'id':'5b10a2844c20165700ede21g','text':'@Ops Bot'}},"
                + "  {'type':'text','text':' '},"
                + "  {'type':'emoji','attrs':{'shortName':':fire:'}},"
                + "  {'type':'text','text':' '},"
                + "  {'type':'inlineCard','attrs':{'url':'https://card.example'}},"
                + "  {'type':'text','text':' '},"
                + "  {'type':'status','attrs':{'text':'BLOCKED','color':'red'}},"
                + "  {'type':'text','text':' underlined','marks':[{'type':'underline'}]}]},"
                + "{'type':'table','content':[{'type':'tableRow','content':["
                + "  {'type':'tableHeader','content':[{'type':'paragraph','content':[{'type':'text','text':'h1'}]}]},"
                + "  {'type':'tableCell','content':[{'type':'paragraph','content':[{'type':'text','text':'c1'}]}]}"
                + "]}]},"
                + "{'type':'mediaSingle','content':[{'type':'media','attrs':{'type':'external',"
                + "  'url':'https://img.example/p.png','alt':'graph'}}]}]}"));
        assertThat(md)
                .contains(
                        "> quoted",
                        "---",
                        "in a panel",
                        "@Ops Bot",
                        ":fire:",
                        "https://card.example",
                        "BLOCKED",
                        "underlined",
                        "h1",
                        "c1",
                        "graph");
        assertThat(md).doesNotContain("underline\"");
    }

    @Test
    void aBlockNodeGivenAloneIsRendered() {
        assertThat(AdfToMarkdown.convert(json("{'type':'paragraph','content':[{'type':'text','text':'alone'}]}")))
                .isEqualTo("alone");
    }

    @Test
    void whitespaceAtAMarksEdgeMovesOutside() {
        String md = AdfToMarkdown.convert(json("{'type':'doc','version':1,'content':[{'type':'paragraph','content':["
                + "{'type':'text','text':'x'},{'type':'text','text':' bold ','marks':[{'type':'strong'}]},"
                + "{'type':'text','text':'y'}]}]}"));
        assertThat(md).isEqualTo("x **bold** y");
    }
}
