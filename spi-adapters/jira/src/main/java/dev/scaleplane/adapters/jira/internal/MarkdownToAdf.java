package dev.scaleplane.adapters.jira.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Converts the Markdown the SDK emits into an Atlassian Document Format document (developer.atlassian.com, "Atlassian
 * Document Format": {@code {"type": "doc", "version": 1, "content": [...]}}), which Jira Cloud's REST API v3 requires
 * for descriptions and comment bodies.
 *
 * <table>
 *   <caption>What becomes which ADF node</caption>
 *   <tr><th>Markdown</th><th>ADF</th></tr>
 *   <tr><td>{@code # ...} to {@code ###### ...}</td><td>{@code heading}, {@code attrs.level} 1-6</td></tr>
 *   <tr><td>lines separated by blank lines</td><td>{@code paragraph}; a line break inside one is a
 *       {@code hardBreak}, as are a trailing backslash and two trailing spaces</td></tr>
 *   <tr><td>{@code **bold**}, {@code __bold__}, {@code *italic*}, {@code _italic_}</td><td>{@code text} with the
 *       {@code strong} or {@code em} mark</td></tr>
 *   <tr><td>{@code `code`}</td><td>{@code text} with the {@code code} mark (and a link's mark, the only one ADF
 *       allows with it)</td></tr>
 *   <tr><td>{@code [text](url "title")}, {@code <https://...>}</td><td>{@code text} with the {@code link} mark,
 *       {@code attrs.href} and {@code attrs.title}</td></tr>
 *   <tr><td>fenced code ({@code ```lang} or {@code ~~~}), code indented four spaces</td><td>{@code codeBlock},
 *       {@code attrs.language} from the info string</td></tr>
 *   <tr><td>{@code -}, {@code *}, {@code +} items; {@code 1.} or {@code 1)} items, nested by indentation</td>
 *       <td>{@code bulletList}, {@code orderedList} ({@code attrs.order} when it does not start at 1),
 *       {@code listItem}</td></tr>
 *   <tr><td>anything else: block quotes, tables, rules, images, HTML</td><td>kept as text, never dropped</td></tr>
 * </table>
 *
 * The output keeps ADF's rules: no empty text node, marks only where allowed, a list item always starts with a
 * paragraph (an empty one before a nested list), and a heading inside a list item, which ADF does not allow, becomes
 * a paragraph of its Markdown text.
 *
 * <p>Stateless and thread-safe.
 */
public final class MarkdownToAdf {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern FENCE = Pattern.compile("^( {0,3})(`{3,}|~{3,})(.*)$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$");
    private static final Pattern CLOSING_HASHES = Pattern.compile("(?:^|[ \\t]+)#+$");
    private static final Pattern THEMATIC_BREAK = Pattern.compile("^ {0,3}([-*_])(?:[ \\t]*\\1){2,}[ \\t]*$");

    private MarkdownToAdf() {}

    /**
     * The ADF document of {@code markdown}; an empty or blank text gives a document without content.
     *
     * @throws NullPointerException if {@code markdown} is null
     */
    public static ObjectNode convert(String markdown) {
        Objects.requireNonNull(markdown, "markdown");
        String normalized = markdown.replace("\r\n", "\n").replace('\r', '\n').replace('\u0000', '\uFFFD');
        ObjectNode doc = JSON.objectNode().put("type", "doc").put("version", 1);
        ArrayNode content = doc.putArray("content");
        blocks(Arrays.asList(normalized.split("\n", -1)), false).forEach(content::add);
        return doc;
    }

    // ---- blocks ----

    private static List<ObjectNode> blocks(List<String> lines, boolean inListItem) {
        List<ObjectNode> out = new ArrayList<>();
        List<String> paragraph = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank()) {
                flushParagraph(paragraph, out);
                i++;
                continue;
            }
            int indent = indent(line);
            if (indent >= 4 && paragraph.isEmpty()) {
                i = indentedCode(lines, i, out);
                continue;
            }
            if (indent < 4) {
                Matcher fence = fence(line);
                if (fence != null) {
                    flushParagraph(paragraph, out);
                    i = fencedCode(lines, i, fence, out);
                    continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    flushParagraph(paragraph, out);
                    out.add(inListItem ? paragraph(line.strip()) : heading(heading));
                    i++;
                    continue;
                }
                ListMarker marker = ListMarker.of(line);
                if (marker != null && (paragraph.isEmpty() || marker.canInterruptParagraph())) {
                    flushParagraph(paragraph, out);
                    i = list(lines, i, marker, out);
                    continue;
                }
            }
            paragraph.add(line);
            i++;
        }
        flushParagraph(paragraph, out);
        return out;
    }

    private static void flushParagraph(List<String> lines, List<ObjectNode> out) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < lines.size(); k++) {
            if (k > 0) {
                text.append('\n');
            }
            text.append(lines.get(k).stripLeading());
        }
        lines.clear();
        out.add(paragraph(text.toString().stripTrailing()));
    }

    private static ObjectNode paragraph(String markdown) {
        ObjectNode p = JSON.objectNode().put("type", "paragraph");
        p.set("content", MarkdownInlines.toAdf(markdown));
        return p;
    }

    private static ObjectNode heading(Matcher m) {
        String text = m.group(2) == null ? "" : m.group(2);
        text = CLOSING_HASHES.matcher(text).replaceFirst("").strip();
        ObjectNode h = JSON.objectNode().put("type", "heading");
        h.putObject("attrs").put("level", m.group(1).length());
        ArrayNode inline = MarkdownInlines.toAdf(text);
        if (!inline.isEmpty()) {
            h.set("content", inline);
        }
        return h;
    }

    private static @Nullable Matcher fence(String line) {
        Matcher m = FENCE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        // A backtick fence's info string may not hold a backtick (CommonMark): "```a`b" is inline code.
        return m.group(2).charAt(0) == '`' && m.group(3).indexOf('`') >= 0 ? null : m;
    }

    private static int fencedCode(List<String> lines, int start, Matcher fence, List<ObjectNode> out) {
        int fenceIndent = fence.group(1).length();
        char ch = fence.group(2).charAt(0);
        int length = fence.group(2).length();
        String info = fence.group(3).strip();
        String language = info.isEmpty() ? null : unescape(info.split("[ \\t]+", 2)[0]);
        List<String> content = new ArrayList<>();
        int i = start + 1;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (isClosingFence(line, ch, length)) {
                i++;
                break;
            }
            content.add(stripSpaces(line, fenceIndent));
            i++;
        }
        out.add(codeBlock(language, String.join("\n", content)));
        return i;
    }

    private static boolean isClosingFence(String line, char ch, int length) {
        int i = 0;
        while (i < line.length() && i < 3 && line.charAt(i) == ' ') {
            i++;
        }
        int run = 0;
        while (i + run < line.length() && line.charAt(i + run) == ch) {
            run++;
        }
        return run >= length && line.substring(i + run).isBlank();
    }

    private static int indentedCode(List<String> lines, int start, List<ObjectNode> out) {
        List<String> content = new ArrayList<>();
        int i = start;
        while (i < lines.size() && (lines.get(i).isBlank() || indent(lines.get(i)) >= 4)) {
            content.add(lines.get(i).isBlank() ? "" : stripColumns(lines.get(i), 4));
            i++;
        }
        while (!content.isEmpty() && content.get(content.size() - 1).isEmpty()) {
            content.remove(content.size() - 1);
            i--;
        }
        out.add(codeBlock(null, String.join("\n", content)));
        return Math.max(i, start + 1);
    }

    private static ObjectNode codeBlock(@Nullable String language, String text) {
        ObjectNode code = JSON.objectNode().put("type", "codeBlock");
        if (language != null && !language.isEmpty()) {
            code.putObject("attrs").put("language", language);
        }
        if (!text.isEmpty()) {
            code.putArray("content").addObject().put("type", "text").put("text", text);
        }
        return code;
    }

    // ---- lists ----

    /** A list item's marker line: where it is, what kind, and where its content starts. */
    private record ListMarker(boolean ordered, char delimiter, int start, int contentOffset, String rest) {

        static @Nullable ListMarker of(String line) {
            if (THEMATIC_BREAK.matcher(line).matches()) {
                return null;
            }
            int i = 0;
            int col = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                col = line.charAt(i) == '\t' ? (col / 4 + 1) * 4 : col + 1;
                i++;
            }
            if (col > 3 || i >= line.length()) {
                return null;
            }
            int markerStart = i;
            char c = line.charAt(i);
            boolean ordered;
            char delimiter;
            int start = 1;
            if (c == '-' || c == '+' || c == '*') {
                ordered = false;
                delimiter = c;
                i++;
            } else if (c >= '0' && c <= '9') {
                int digits = 0;
                while (i < line.length() && Character.isDigit(line.charAt(i)) && digits < 10) {
                    i++;
                    digits++;
                }
                if (digits > 9 || i >= line.length() || (line.charAt(i) != '.' && line.charAt(i) != ')')) {
                    return null;
                }
                ordered = true;
                delimiter = line.charAt(i);
                start = Integer.parseInt(line.substring(markerStart, i));
                i++;
            } else {
                return null;
            }
            int markerEnd = col + (i - markerStart);
            if (i >= line.length()) {
                return new ListMarker(ordered, delimiter, start, markerEnd + 1, "");
            }
            if (line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                return null;
            }
            int spaceCol = markerEnd;
            int k = i;
            while (k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '\t')) {
                spaceCol = line.charAt(k) == '\t' ? (spaceCol / 4 + 1) * 4 : spaceCol + 1;
                k++;
            }
            int spaces = spaceCol - markerEnd;
            if (k >= line.length()) {
                return new ListMarker(ordered, delimiter, start, markerEnd + 1, "");
            }
            if (spaces > 4) {
                // The item starts with code indented four more: only one space belongs to the marker.
                return new ListMarker(
                        ordered, delimiter, start, markerEnd + 1, " ".repeat(spaces - 1) + line.substring(k));
            }
            return new ListMarker(ordered, delimiter, start, markerEnd + spaces, line.substring(k));
        }

        boolean empty() {
            return rest.isBlank();
        }

        /** CommonMark: an empty item, or an ordered one not starting at 1, cannot interrupt a paragraph. */
        boolean canInterruptParagraph() {
            return !empty() && (!ordered || start == 1);
        }

        boolean sameListAs(ListMarker other) {
            return ordered == other.ordered && delimiter == other.delimiter;
        }
    }

    private static int list(List<String> lines, int start, ListMarker first, List<ObjectNode> out) {
        ObjectNode list = JSON.objectNode().put("type", first.ordered() ? "orderedList" : "bulletList");
        if (first.ordered() && first.start() != 1) {
            list.putObject("attrs").put("order", first.start());
        }
        ArrayNode items = list.putArray("content");
        ListMarker marker = first;
        int i = start;
        while (true) {
            List<String> itemLines = new ArrayList<>();
            itemLines.add(marker.rest());
            int offset = marker.contentOffset();
            i++;
            while (i < lines.size()) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    int next = nextNonBlank(lines, i);
                    boolean onlyBlank = itemLines.stream().allMatch(String::isBlank);
                    if (next < lines.size() && indent(lines.get(next)) >= offset && !onlyBlank) {
                        itemLines.add("");
                        i++;
                        continue;
                    }
                    break;
                }
                if (indent(line) >= offset) {
                    itemLines.add(stripColumns(line, offset));
                    i++;
                    continue;
                }
                if (ListMarker.of(line) != null
                        || fence(line) != null
                        || HEADING.matcher(line).matches()
                        || THEMATIC_BREAK.matcher(line).matches()
                        || itemLines.get(itemLines.size() - 1).isBlank()) {
                    break;
                }
                // A lazy continuation line of the item's last paragraph.
                itemLines.add(line.strip());
                i++;
            }
            items.add(listItem(blocks(itemLines, true)));
            int next = nextNonBlank(lines, i);
            ListMarker following = next < lines.size() ? ListMarker.of(lines.get(next)) : null;
            if (following == null || !following.sameListAs(first)) {
                break;
            }
            marker = following;
            i = next;
        }
        out.add(list);
        return i;
    }

    private static ObjectNode listItem(List<ObjectNode> blocks) {
        ObjectNode item = JSON.objectNode().put("type", "listItem");
        ArrayNode content = item.putArray("content");
        if (blocks.isEmpty() || blocks.get(0).path("type").asText().endsWith("List")) {
            // ADF: a list item starts with a paragraph (or code), never with a nested list.
            content.addObject().put("type", "paragraph").putArray("content");
        }
        blocks.forEach(content::add);
        return item;
    }

    // ---- columns ----

    private static int nextNonBlank(List<String> lines, int from) {
        int i = from;
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        return i;
    }

    /** Leading whitespace in columns, a tab advancing to the next multiple of four. */
    static int indent(String line) {
        int col = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                col++;
            } else if (c == '\t') {
                col = (col / 4 + 1) * 4;
            } else {
                break;
            }
        }
        return col;
    }

    /** {@code line} without its first {@code columns} columns of leading whitespace (a split tab leaves spaces). */
    static String stripColumns(String line, int columns) {
        int col = 0;
        int i = 0;
        while (i < line.length() && col < columns) {
            char c = line.charAt(i);
            if (c == ' ') {
                col++;
            } else if (c == '\t') {
                int next = (col / 4 + 1) * 4;
                if (next > columns) {
                    return " ".repeat(next - columns) + line.substring(i + 1);
                }
                col = next;
            } else {
                break;
            }
            i++;
        }
        return line.substring(i);
    }

    private static String stripSpaces(String line, int max) {
        int i = 0;
        while (i < max && i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return line.substring(i);
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && MarkdownInlines.isAsciiPunctuation(s.charAt(i + 1))) {
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
