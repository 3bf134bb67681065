package dev.scaleplane.adapters.jira.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplane.adapters.jira.AdfCheck;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Markdown to ADF: every construct of the subset, their nesting, escapes, what stays text, and the ADF rules the
 * output keeps (checked by {@link AdfCheck} on every document converted here).
 */
class MarkdownToAdfTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The content of the converted document, after checking it is valid ADF. */
    static JsonNode content(String markdown) {
        JsonNode doc = MarkdownToAdf.convert(markdown);
        assertThat(AdfCheck.problems(doc)).as("ADF problems of %s", doc).isEmpty();
        assertThat(doc.path("type").asText()).isEqualTo("doc");
        assertThat(doc.path("version").asInt()).isEqualTo(1);
        return doc.path("content");
    }

    /** JSON with single quotes for readability. */
    static JsonNode json(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    /** The inline content of a document holding one paragraph. */
    static JsonNode inline(String markdown) {
        JsonNode content = content(markdown);
        assertThat(content).hasSize(1);
        assertThat(content.get(0).path("type").asText()).isEqualTo("paragraph");
        return content.get(0).path("content");
    }

    @Nested
    class EmptyInput {
        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n", "\n\n  \n", "\t"})
        void givesADocumentWithoutContent(String markdown) {
            assertThat(MarkdownToAdf.convert(markdown)).isEqualTo(json("{'type':'doc','version':1,'content':[]}"));
        }

        @Test
        void nullIsRefused() {
            assertThatThrownBy(() -> MarkdownToAdf.convert(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class Paragraphs {
        @Test
        void plainText() {
            assertThat(content("Deploy of api failed"))
                    .isEqualTo(
                            json("[{'type':'paragraph','content':[{'type':'text','text':'Deploy of api failed'}]}]"));
        }

        @Test
        void blankLinesSeparateParagraphs() {
            assertThat(content("one\n\n\ntwo\r\n\r\nthree"))
                    .isEqualTo(json("[{'type':'paragraph','content':[{'type':'text','text':'one'}]},"
                            + "{'type':'paragraph','content':[{'type':'text','text':'two'}]},"
                            + "{'type':'paragraph','content':[{'type':'text','text':'three'}]}]"));
        }

        @Test
        void aLineBreakInsideAParagraphIsAHardBreakAsGitHubShowsIt() {
            assertThat(inline("first\n   second"))
                    .isEqualTo(json("[{'type':'text','text':'first'},{'type':'hardBreak'},"
                            + "{'type':'text','text':'second'}]"));
        }

        @Test
        void twoTrailingSpacesAndATrailingBackslashAreHardBreaksToo() {
            assertThat(inline("a  \nb\\\nc"))
                    .isEqualTo(json("[{'type':'text','text':'a'},{'type':'hardBreak'},{'type':'text','text':'b'},"
                            + "{'type':'hardBreak'},{'type':'text','text':'c'}]"));
        }

        @Test
        void leadingAndTrailingWhitespaceIsTrimmedButInnerSpacesKept() {
            assertThat(inline("   a  b   ")).isEqualTo(json("[{'type':'text','text':'a  b'}]"));
        }

        @Test
        void aBackslashAtTheVeryEndIsText() {
            assertThat(inline("path C:\\")).isEqualTo(json("[{'type':'text','text':'path C:\\\\'}]"));
        }
    }

    @Nested
    class Headings {
        @Test
        void everyLevel() {
            for (int level = 1; level <= 6; level++) {
                assertThat(content("#".repeat(level) + " Title"))
                        .isEqualTo(json("[{'type':'heading','attrs':{'level':" + level
                                + "},'content':[{'type':'text','text':'Title'}]}]"));
            }
        }

        @Test
        void closingHashesAreDroppedAndInlineMarksKept() {
            assertThat(content("## Build **red** ##"))
                    .isEqualTo(json("[{'type':'heading','attrs':{'level':2},'content':[{'type':'text','text':"
                            + "'Build '},{'type':'text','text':'red','marks':[{'type':'strong'}]}]}]"));
        }

        @Test
        void anEmptyHeadingHasNoContent() {
            assertThat(content("###")).isEqualTo(json("[{'type':'heading','attrs':{'level':3}}]"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"#hashtag", "####### seven", "    # indented four"})
        void whatIsNotAHeadingStaysText(String markdown) {
            assertThat(content(markdown).get(0).path("type").asText()).isIn("paragraph", "codeBlock");
            assertThat(content(markdown).toString()).contains(markdown.strip());
        }

        @Test
        void aHeadingInterruptsAParagraph() {
            assertThat(content("text\n# Title\nmore"))
                    .extracting(n -> n.path("type").asText())
                    .containsExactly("paragraph", "heading", "paragraph");
        }
    }

    @Nested
    class Emphasis {
        @Test
        void boldAndItalicWithBothDelimiters() {
            assertThat(inline("**a** __b__ *c* _d_"))
                    .isEqualTo(json("[{'type':'text','text':'a','marks':[{'type':'strong'}]},"
                            + "{'type':'text','text':' '},"
                            + "{'type':'text','text':'b','marks':[{'type':'strong'}]},"
                            + "{'type':'text','text':' '},"
                            + "{'type':'text','text':'c','marks':[{'type':'em'}]},"
                            + "{'type':'text','text':' '},"
                            + "{'type':'text','text':'d','marks':[{'type':'em'}]}]"));
        }

        @Test
        void nestedEmphasisCombinesMarks() {
            assertThat(inline("***both*** and **bold *and italic***"))
                    .isEqualTo(json("[{'type':'text','text':'both','marks':[{'type':'strong'},{'type':'em'}]},"
                            + "{'type':'text','text':' and '},"
                            + "{'type':'text','text':'bold ','marks':[{'type':'strong'}]},"
                            + "{'type':'text','text':'and italic','marks':[{'type':'strong'},{'type':'em'}]}]"));
        }

        @Test
        void intrawordUnderscoresAndSpacedAsterisksStayText() {
            assertThat(inline("snake_case_name and 2 * 3 * 4 and a * b"))
                    .isEqualTo(json("[{'type':'text','text':'snake_case_name and 2 * 3 * 4 and a * b'}]"));
        }

        @Test
        void intrawordAsterisksAreEmphasis() {
            assertThat(inline("un*frigging*believable"))
                    .isEqualTo(json("[{'type':'text','text':'un'},{'type':'text','text':'frigging','marks':"
                            + "[{'type':'em'}]},{'type':'text','text':'believable'}]"));
        }

        @Test
        void unmatchedDelimitersStayAsText() {
            assertThat(inline("**not closed and *half"))
                    .isEqualTo(json("[{'type':'text','text':'**not closed and *half'}]"));
            assertThat(inline("****")).isEqualTo(json("[{'type':'text','text':'****'}]"));
        }

        @Test
        void leftoverDelimitersOfUnequalRunsStayAsText() {
            assertThat(inline("***a**"))
                    .isEqualTo(json("[{'type':'text','text':'*'},{'type':'text','text':'a','marks':"
                            + "[{'type':'strong'}]}]"));
        }

        @Test
        void emphasisAcrossAHardBreak() {
            assertThat(inline("**a\nb**"))
                    .isEqualTo(json("[{'type':'text','text':'a','marks':[{'type':'strong'}]},{'type':'hardBreak'},"
                            + "{'type':'text','text':'b','marks':[{'type':'strong'}]}]"));
        }
    }

    @Nested
    class InlineCode {
        @Test
        void codeSpansKeepTheirContentLiterally() {
            assertThat(inline("run `mvn -q **verify**` now"))
                    .isEqualTo(json("[{'type':'text','text':'run '},"
                            + "{'type':'text','text':'mvn -q **verify**','marks':[{'type':'code'}]},"
                            + "{'type':'text','text':' now'}]"));
        }

        @Test
        void doubleBackticksHoldABacktickAndOneSpaceOnEachSideIsStripped() {
            assertThat(inline("`` a`b ``")).isEqualTo(json("[{'type':'text','text':'a`b','marks':[{'type':'code'}]}]"));
        }

        @Test
        void anUnclosedBacktickIsText() {
            JsonNode inline = inline("it's `open");
            assertThat(inline).hasSize(1);
            assertThat(inline.get(0).path("text").asText()).isEqualTo("it's `open");
            assertThat(inline.get(0).has("marks")).isFalse();
        }

        @Test
        void codeInsideBoldDropsTheBoldBecauseAdfAllowsCodeWithLinkOnly() {
            assertThat(inline("**see `x`**"))
                    .isEqualTo(json("[{'type':'text','text':'see ','marks':[{'type':'strong'}]},"
                            + "{'type':'text','text':'x','marks':[{'type':'code'}]}]"));
        }

        @Test
        void codeInsideALinkKeepsTheLink() {
            assertThat(inline("[`main`](https://example.com/main)"))
                    .isEqualTo(json("[{'type':'text','text':'main','marks':[{'type':'code'},"
                            + "{'type':'link','attrs':{'href':'https://example.com/main'}}]}]"));
        }
    }

    @Nested
    class Links {
        @Test
        void inlineLinkWithTitleAndFormattedText() {
            assertThat(inline("see [the **run**](https://ci.example.com/runs/1 \"Run 1\")!"))
                    .isEqualTo(json("[{'type':'text','text':'see '},"
                            + "{'type':'text','text':'the ','marks':[{'type':'link','attrs':"
                            + "{'href':'https://ci.example.com/runs/1','title':'Run 1'}}]},"
                            + "{'type':'text','text':'run','marks':[{'type':'strong'},{'type':'link','attrs':"
                            + "{'href':'https://ci.example.com/runs/1','title':'Run 1'}}]},"
                            + "{'type':'text','text':'!'}]"));
        }

        @Test
        void autolinksAndEmailAutolinks() {
            assertThat(inline("<https://x.example/a?b=c> or <ops@example.com>"))
                    .isEqualTo(json("[{'type':'text','text':'https://x.example/a?b=c','marks':[{'type':'link',"
                            + "'attrs':{'href':'https://x.example/a?b=c'}}]},{'type':'text','text':' or '},"
                            + "{'type':'text','text':'ops@example.com','marks':[{'type':'link','attrs':"
                            + "{'href':'mailto:ops@example.com'}}]}]"));
        }

        @Test
        void destinationsWithParenthesesAndAngleBrackets() {
            assertThat(inline("[a](https://w.example/F_(x)) [b](<https://w.example/with space>)"))
                    .isEqualTo(json("[{'type':'text','text':'a','marks':[{'type':'link','attrs':"
                            + "{'href':'https://w.example/F_(x)'}}]},{'type':'text','text':' '},"
                            + "{'type':'text','text':'b','marks':[{'type':'link','attrs':"
                            + "{'href':'https://w.example/with space'}}]}]"));
        }

        @Test
        void anEmptyLinkTextShowsTheAddress() {
            assertThat(inline("[](https://e.example)"))
                    .isEqualTo(json("[{'type':'text','text':'https://e.example','marks':[{'type':'link','attrs':"
                            + "{'href':'https://e.example'}}]}]"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"[no target]", "[a] (b)", "[a]()", "[a](b c)", "a]b[c", "[a](<b)"})
        void whatIsNotALinkStaysText(String markdown) {
            JsonNode inline = inline(markdown);
            StringBuilder text = new StringBuilder();
            inline.forEach(n -> text.append(n.path("text").asText()));
            assertThat(text.toString()).isEqualTo(markdown);
            assertThat(inline.toString()).doesNotContain("link");
        }

        @Test
        void linksDoNotNest() {
            assertThat(inline("[a [b](https://b.example) c](https://a.example)").toString())
                    .contains("https://b.example")
                    .doesNotContain("https://a.example\"}}]}")
                    .contains("](https://a.example)");
        }

        @Test
        void imagesStayAsTheirSourceText() {
            assertThat(inline("before ![graph *x*](https://g.example/p.png) after"))
                    .isEqualTo(json("[{'type':'text','text':'before ![graph *x*](https://g.example/p.png) after'}]"));
        }
    }

    @Nested
    class Escapes {
        @Test
        void backslashEscapesGiveTheCharacter() {
            assertThat(inline("\\*not italic\\* \\_x\\_ \\`y\\` \\[z\\](w) \\\\"))
                    .isEqualTo(json("[{'type':'text','text':'*not italic* _x_ `y` [z](w) \\\\'}]"));
        }

        @Test
        void aBackslashBeforeALetterIsKept() {
            assertThat(inline("C:\\temp\\new")).isEqualTo(json("[{'type':'text','text':'C:\\\\temp\\\\new'}]"));
        }

        @Test
        void jsonSpecialCharactersAndUnicodeSurviveAsText() {
            JsonNode inline = inline("quote \" tab\tunicode ✓ — <not a tag> & ampersand");
            assertThat(inline.get(0).path("text").asText())
                    .isEqualTo("quote \" tab\tunicode ✓ — <not a tag> & ampersand");
        }
    }

    @Nested
    class CodeBlocks {
        @Test
        void fencedWithLanguage() {
            assertThat(content("```java\nclass A {}\n  int x;\n```"))
                    .isEqualTo(json("[{'type':'codeBlock','attrs':{'language':'java'},'content':[{'type':'text',"
                            + "'text':'class A {}\\n  int x;'}]}]"));
        }

        @Test
        void tildeFenceWithoutLanguageKeepsMarkdownInsideLiterally() {
            assertThat(content("~~~\n# not a heading\n- not a list\n**x**\n~~~"))
                    .isEqualTo(json("[{'type':'codeBlock','content':[{'type':'text','text':"
                            + "'# not a heading\\n- not a list\\n**x**'}]}]"));
        }

        @Test
        void aLongerFenceHoldsAShorterOne() {
            assertThat(content("````md\n```\ninner\n```\n````"))
                    .isEqualTo(json("[{'type':'codeBlock','attrs':{'language':'md'},'content':[{'type':'text',"
                            + "'text':'```\\ninner\\n```'}]}]"));
        }

        @Test
        void anUnclosedFenceRunsToTheEnd() {
            assertThat(content("```\na\n\nb"))
                    .isEqualTo(json("[{'type':'codeBlock','content':[{'type':'text','text':'a\\n\\nb'}]}]"));
        }

        @Test
        void anEmptyCodeBlockHasNoTextNode() {
            assertThat(content("```sh\n```")).isEqualTo(json("[{'type':'codeBlock','attrs':{'language':'sh'}}]"));
        }

        @Test
        void indentedCodeAfterABlankLine() {
            assertThat(content("para\n\n    line 1\n\n      line 2\n\nafter"))
                    .isEqualTo(json("[{'type':'paragraph','content':[{'type':'text','text':'para'}]},"
                            + "{'type':'codeBlock','content':[{'type':'text','text':'line 1\\n\\n  line 2'}]},"
                            + "{'type':'paragraph','content':[{'type':'text','text':'after'}]}]"));
        }

        @Test
        void anIndentedFenceLosesItsIndentFromContentLines() {
            assertThat(content("  ```\n  a\n    b\n  ```"))
                    .isEqualTo(json("[{'type':'codeBlock','content':[{'type':'text','text':'a\\n  b'}]}]"));
        }
    }

    @Nested
    class Lists {
        @Test
        void bulletListWithEveryMarker() {
            for (String marker : new String[] {"-", "*", "+"}) {
                assertThat(content(marker + " one\n" + marker + " two"))
                        .isEqualTo(json("[{'type':'bulletList','content':["
                                + "{'type':'listItem','content':[{'type':'paragraph','content':[{'type':'text',"
                                + "'text':'one'}]}]},"
                                + "{'type':'listItem','content':[{'type':'paragraph','content':[{'type':'text',"
                                + "'text':'two'}]}]}]}]"));
            }
        }

        @Test
        void orderedListKeepsItsStart() {
            assertThat(content("1. a\n2. b"))
                    .isEqualTo(json("[{'type':'orderedList','content':["
                            + "{'type':'listItem','content':[{'type':'paragraph','content':[{'type':'text','text':'a'}]}]},"
                            + "{'type':'listItem','content':[{'type':'paragraph','content':[{'type':'text','text':'b'}]}]}"
                            + "]}]"));
            assertThat(content("3) c\n4) d").get(0).path("attrs")).isEqualTo(json("{'order':3}"));
            assertThat(content("0. zero").get(0).path("attrs")).isEqualTo(json("{'order':0}"));
        }

        @Test
        void nestedListsByIndentationUnderTheirParentsParagraph() {
            assertThat(content("- parent\n  - child\n    1. grandchild\n- sibling"))
                    .isEqualTo(json("[{'type':'bulletList','content':["
                            + "{'type':'listItem','content':["
                            + "  {'type':'paragraph','content':[{'type':'text','text':'parent'}]},"
                            + "  {'type':'bulletList','content':[{'type':'listItem','content':["
                            + "    {'type':'paragraph','content':[{'type':'text','text':'child'}]},"
                            + "    {'type':'orderedList','content':[{'type':'listItem','content':["
                            + "      {'type':'paragraph','content':[{'type':'text','text':'grandchild'}]}]}]}"
                            + "  ]}]}]},"
                            + "{'type':'listItem','content':[{'type':'paragraph','content':[{'type':'text',"
                            + "'text':'sibling'}]}]}]}]"));
        }

        @Test
        void orderedItemsNestByTheirContentOffset() {
            JsonNode list =
                    content("10. ten\n    - nested under ten\n11. eleven").get(0);
            assertThat(list.path("attrs")).isEqualTo(json("{'order':10}"));
            assertThat(list.path("content")).hasSize(2);
            assertThat(list.path("content")
                            .get(0)
                            .path("content")
                            .get(1)
                            .path("type")
                            .asText())
                    .isEqualTo("bulletList");
        }

        @Test
        void anItemStartingWithANestedListGetsAnEmptyParagraphFirst() {
            assertThat(content("- - inner"))
                    .isEqualTo(json("[{'type':'bulletList','content':[{'type':'listItem','content':["
                            + "{'type':'paragraph','content':[]},"
                            + "{'type':'bulletList','content':[{'type':'listItem','content':[{'type':'paragraph',"
                            + "'content':[{'type':'text','text':'inner'}]}]}]}]}]}]"));
        }

        @Test
        void anEmptyItemIsAnEmptyParagraph() {
            assertThat(content("-\n- b").get(0).path("content").get(0))
                    .isEqualTo(json("{'type':'listItem','content':[{'type':'paragraph','content':[]}]}"));
        }

        @Test
        void itemsWithSeveralParagraphsAndCode() {
            JsonNode item = content("- first\n\n  second\n\n  ```sh\n  make\n  ```\n- next")
                    .get(0)
                    .path("content")
                    .get(0);
            assertThat(item.path("content"))
                    .extracting(n -> n.path("type").asText())
                    .containsExactly("paragraph", "paragraph", "codeBlock");
            assertThat(item.path("content")
                            .get(2)
                            .path("content")
                            .get(0)
                            .path("text")
                            .asText())
                    .isEqualTo("make");
        }

        @Test
        void lazyContinuationLinesJoinTheItemsParagraph() {
            assertThat(content("- a long item\ncontinued here")
                            .get(0)
                            .path("content")
                            .get(0)
                            .path("content")
                            .get(0))
                    .isEqualTo(json("{'type':'paragraph','content':[{'type':'text','text':'a long item'},"
                            + "{'type':'hardBreak'},{'type':'text','text':'continued here'}]}"));
        }

        @Test
        void aBlankLineThenUnindentedTextEndsTheList() {
            assertThat(content("- a\n\nafter"))
                    .extracting(n -> n.path("type").asText())
                    .containsExactly("bulletList", "paragraph");
        }

        @Test
        void blankLinesBetweenItemsKeepOneList() {
            assertThat(content("- a\n\n- b\n\n\n- c").get(0).path("content")).hasSize(3);
        }

        @Test
        void anotherMarkerStartsAnotherList() {
            assertThat(content("- a\n* b\n1. c\n1) d"))
                    .extracting(n -> n.path("type").asText())
                    .containsExactly("bulletList", "bulletList", "orderedList", "orderedList");
        }

        @Test
        void aHeadingInsideAnItemBecomesAParagraphOfItsText() {
            JsonNode item =
                    content("- item\n  ## Heading").get(0).path("content").get(0);
            assertThat(item.path("content").get(1))
                    .isEqualTo(json("{'type':'paragraph','content':[{'type':'text','text':'## Heading'}]}"));
        }

        @Test
        void onlyABulletOrAnOrderedListFromOneInterruptsAParagraph() {
            assertThat(content("The year was\n1986. A great one.")).hasSize(1);
            assertThat(content("Steps:\n1. build\n2. test"))
                    .extracting(n -> n.path("type").asText())
                    .containsExactly("paragraph", "orderedList");
            assertThat(content("Causes:\n- disk"))
                    .extracting(n -> n.path("type").asText())
                    .containsExactly("paragraph", "bulletList");
        }

        @Test
        void tabsIndentLikeFourColumns() {
            JsonNode item =
                    content("-\tparent\n\t- child").get(0).path("content").get(0);
            assertThat(item.path("content").get(1).path("type").asText()).isEqualTo("bulletList");
        }
    }

    @Nested
    class EverythingElseStaysText {
        @Test
        void blockQuotesTablesRulesAndHtmlKeepEveryCharacter() {
            String markdown = "> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n<details>x</details>\n\n* * *";
            JsonNode content = content(markdown);
            StringBuilder all = new StringBuilder();
            content.forEach(block ->
                    block.path("content").forEach(n -> all.append(n.path("text").asText())));
            for (String piece : new String[] {
                "> quoted", "| a | b |", "|---|---|", "| 1 | 2 |", "---", "<details>x</details>", "* * *"
            }) {
                assertThat(all.toString()).contains(piece);
            }
            assertThat(content)
                    .allSatisfy(b -> assertThat(b.path("type").asText()).isEqualTo("paragraph"));
        }

        @Test
        void strikethroughAndHtmlEntitiesAreText() {
            assertThat(inline("~~gone~~ &amp;")).isEqualTo(json("[{'type':'text','text':'~~gone~~ &amp;'}]"));
        }
    }

    @Test
    void aTypicalFailureReport() {
        String report =
                """
                ## Deployment `api` failed

                The rollout to **eu-west** stopped at wave *2 of 3*.

                - cluster: `paris-1`
                - reason: readiness probe failed
                  - 3 of 5 pods ready

                1. Check the [run](https://ci.example.com/runs/42)
                2. Roll back

                ```text
                Error: timed out waiting for condition
                ```
                """;
        JsonNode content = content(report);
        assertThat(content)
                .extracting(n -> n.path("type").asText())
                .containsExactly("heading", "paragraph", "bulletList", "orderedList", "codeBlock");
        assertThat(content.get(0).path("content").get(1))
                .isEqualTo(json("{'type':'text','text':'api','marks':[{'type':'code'}]}"));
    }
}
