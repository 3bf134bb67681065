package dev.scaleplane.adapters.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Converts an Atlassian Document Format document, as Jira stores descriptions and comments, back to Markdown: the
 * inverse of {@link MarkdownToAdf} for its subset (Markdown in that subset comes back equivalent, so converting the
 * result again gives the same document), and a readable rendering of everything else.
 *
 * <p>Nodes outside the subset are not dropped: a {@code blockquote} becomes {@code >} lines, a {@code rule}
 * {@code ---}, a {@code mention} its {@code @name}, an {@code emoji} its short name, an {@code inlineCard} its URL, a
 * {@code status} its text, and any other node the text of its children. Marks other than {@code strong}, {@code em},
 * {@code code} and {@code link} (underline, colour, ...) leave their text unmarked. A plain string (Jira's REST API v2
 * form) is returned as it is.
 *
 * <p>Stateless and thread-safe.
 */
public final class AdfToMarkdown {
    private static final Pattern LINE_START_SPECIAL = Pattern.compile("^(?:[#>+=~|-]|\\d{1,9}[.)])");
    private static final Pattern TRAILING_HASHES = Pattern.compile("(^|\\s)(#+)$");
    private static final Pattern DIGITS_THEN_DELIMITER = Pattern.compile("^(\\d{1,9})([.)])");

    private AdfToMarkdown() {}

    /** The Markdown of {@code adf}; empty for null, a JSON null or a missing node. */
    public static String convert(@Nullable JsonNode adf) {
        if (adf == null || adf.isNull() || adf.isMissingNode()) {
            return "";
        }
        if (adf.isTextual()) {
            return adf.asText();
        }
        if (!"doc".equals(adf.path("type").asText()) && adf.has("type")) {
            return String.join("\n\n", blocks(List.of(adf)));
        }
        List<JsonNode> content = new ArrayList<>();
        adf.path("content").forEach(content::add);
        return String.join("\n\n", blocks(content));
    }

    // ---- blocks ----

    private static List<String> blocks(List<JsonNode> nodes) {
        List<String> out = new ArrayList<>();
        String previousType = "";
        boolean alternate = false;
        for (JsonNode n : nodes) {
            String type = n.path("type").asText();
            // Two lists of one kind in a row would read back as one list: the second uses the other marker.
            alternate = type.equals(previousType) && type.endsWith("List") && !alternate;
            String rendered = block(n, alternate);
            if (!rendered.isEmpty()) {
                out.add(rendered);
            }
            previousType = type;
        }
        return out;
    }

    private static String block(JsonNode n, boolean alternateMarker) {
        return switch (n.path("type").asText()) {
            case "paragraph" -> escapeLineStarts(inline(n.path("content")));
            case "heading" -> {
                int level =
                        Math.max(1, Math.min(6, n.path("attrs").path("level").asInt(1)));
                String text = inline(n.path("content")).replace("\\\n", " ");
                // A heading ending in " #" would lose the hashes as a closing sequence.
                text = TRAILING_HASHES.matcher(text).replaceFirst("$1\\\\$2");
                yield "#".repeat(level) + (text.isEmpty() ? "" : " " + text);
            }
            case "codeBlock" -> codeBlock(n);
            case "bulletList" -> list(n, false, alternateMarker);
            case "orderedList" -> list(n, true, alternateMarker);
            case "blockquote" -> prefixLines(String.join("\n\n", blocks(children(n))), "> ");
            case "rule" -> "---";
            default -> other(n);
        };
    }

    /** A node outside the subset: its block children, or its inline content, or nothing. */
    private static String other(JsonNode n) {
        List<JsonNode> children = children(n);
        if (children.isEmpty()) {
            return escapeLineStarts(inline(n.path("content")) + inlineAtom(n));
        }
        boolean inlineChildren = children.stream().allMatch(AdfToMarkdown::isInline);
        return inlineChildren ? escapeLineStarts(inline(n.path("content"))) : String.join("\n\n", blocks(children));
    }

    private static String codeBlock(JsonNode n) {
        StringBuilder text = new StringBuilder();
        n.path("content").forEach(t -> text.append(t.path("text").asText()));
        String language = n.path("attrs").path("language").asText("");
        if (!language.matches("[^\\s`]*")) {
            language = "";
        }
        String fence = "`".repeat(Math.max(3, longestRun(text, '`') + 1));
        return fence + language + "\n" + text + (text.length() == 0 ? "" : "\n") + fence;
    }

    private static String list(JsonNode n, boolean ordered, boolean alternateMarker) {
        int number = ordered ? n.path("attrs").path("order").asInt(1) : 0;
        List<String> items = new ArrayList<>();
        for (JsonNode item : n.path("content")) {
            String marker = ordered ? number++ + (alternateMarker ? ")" : ".") : alternateMarker ? "*" : "-";
            String body = listItemBody(item);
            String indent = " ".repeat(marker.length() + 1);
            StringBuilder s = new StringBuilder(marker);
            String[] lines = body.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (i == 0) {
                    if (!lines[0].isEmpty()) {
                        s.append(' ').append(lines[0]);
                    }
                } else {
                    s.append('\n');
                    if (!lines[i].isEmpty()) {
                        s.append(indent).append(lines[i]);
                    }
                }
            }
            items.add(s.toString());
        }
        return String.join("\n", items);
    }

    private static String listItemBody(JsonNode item) {
        StringBuilder s = new StringBuilder();
        String previousType = "";
        boolean alternate = false;
        boolean first = true;
        for (JsonNode child : item.path("content")) {
            String type = child.path("type").asText();
            alternate = type.equals(previousType) && type.endsWith("List") && !alternate;
            String rendered = block(child, alternate);
            if (!first) {
                // A nested list follows its paragraph directly; other blocks need a blank line between them.
                s.append(type.endsWith("List") ? "\n" : "\n\n");
            }
            s.append(rendered);
            first = false;
            previousType = type;
        }
        return s.toString();
    }

    private static List<JsonNode> children(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        n.path("content").forEach(out::add);
        return out;
    }

    private static boolean isInline(JsonNode n) {
        return switch (n.path("type").asText()) {
            case "text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "mediaInline" -> true;
            default -> false;
        };
    }

    // ---- inline ----

    private enum Mark {
        LINK,
        STRONG,
        EM
    }

    /** A mark open in the output: its kind, and for a link its address and title. */
    private record Open(Mark mark, String href, String title) {
        String opener() {
            return switch (mark) {
                case LINK -> "[";
                case STRONG -> "**";
                case EM -> "*";
            };
        }

        String closer() {
            return switch (mark) {
                case LINK -> "](" + destination(href) + (title.isEmpty() ? "" : " \"" + escapeTitle(title) + "\"")
                        + ")";
                case STRONG -> "**";
                case EM -> "*";
            };
        }
    }

    /**
     * Inline nodes to Markdown. Marks shared by neighbouring nodes stay open across them ({@code **a *b***}), and
     * whitespace at a mark's edge moves outside it, where Markdown needs it to be read as a mark at all.
     */
    static String inline(JsonNode content) {
        StringBuilder out = new StringBuilder();
        List<Open> active = new ArrayList<>();
        String pendingTrail = "";
        for (JsonNode n : content) {
            String type = n.path("type").asText();
            if (type.equals("hardBreak")) {
                out.append(pendingTrail).append("\\\n");
                pendingTrail = "";
                continue;
            }
            List<Open> marks = marks(n);
            boolean code = hasMark(n, "code");
            int keep = 0;
            while (keep < active.size() && marks.contains(active.get(keep))) {
                keep++;
            }
            for (int k = active.size() - 1; k >= keep; k--) {
                out.append(active.remove(k).closer());
            }
            out.append(pendingTrail);
            pendingTrail = "";
            String raw = type.equals("text") ? n.path("text").asText() : inlineAtom(n);
            if (raw.isEmpty()) {
                continue;
            }
            String lead = "";
            String core = raw;
            if (!code) {
                int start = 0;
                while (start < raw.length() && Character.isWhitespace(raw.charAt(start))) {
                    start++;
                }
                int end = raw.length();
                while (end > start && Character.isWhitespace(raw.charAt(end - 1))) {
                    end--;
                }
                lead = raw.substring(0, start);
                core = raw.substring(start, end);
                pendingTrail = raw.substring(end);
            }
            out.append(lead);
            if (core.isEmpty()) {
                continue;
            }
            for (Open m : marks) {
                if (!active.contains(m)) {
                    out.append(m.opener());
                    active.add(m);
                }
            }
            out.append(code ? codeSpan(core) : type.equals("text") ? escapeText(core) : core);
        }
        for (int k = active.size() - 1; k >= 0; k--) {
            out.append(active.get(k).closer());
        }
        out.append(pendingTrail);
        return out.toString().strip();
    }

    /** The marks of {@code n} this converter writes, outermost first: link, strong, em. */
    private static List<Open> marks(JsonNode n) {
        List<Open> out = new ArrayList<>();
        for (JsonNode m : n.path("marks")) {
            if ("link".equals(m.path("type").asText())) {
                out.add(new Open(
                        Mark.LINK,
                        m.path("attrs").path("href").asText(""),
                        m.path("attrs").path("title").asText("")));
            }
        }
        boolean code = hasMark(n, "code");
        if (!code && hasMark(n, "strong")) {
            out.add(new Open(Mark.STRONG, "", ""));
        }
        if (!code && hasMark(n, "em")) {
            out.add(new Open(Mark.EM, "", ""));
        }
        return out;
    }

    private static boolean hasMark(JsonNode n, String type) {
        for (JsonNode m : n.path("marks")) {
            if (type.equals(m.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The text of an inline node other than {@code text} and {@code hardBreak}. */
    private static String inlineAtom(JsonNode n) {
        JsonNode attrs = n.path("attrs");
        return switch (n.path("type").asText()) {
            case "mention" -> {
                String text = attrs.path("text").asText("");
                yield text.isEmpty() ? "@" + attrs.path("id").asText("") : text;
            }
            case "emoji" -> attrs.path("text").asText(attrs.path("shortName").asText(""));
            case "inlineCard" -> attrs.path("url").asText("");
            case "date" -> attrs.path("timestamp").asText("");
            case "status" -> attrs.path("text").asText("");
            default -> {
                StringBuilder s = new StringBuilder();
                n.path("content").forEach(c -> s.append(c.path("text").asText("")));
                if (s.length() == 0) {
                    s.append(attrs.path("text")
                            .asText(attrs.path("alt").asText(attrs.path("url").asText(""))));
                }
                yield s.toString();
            }
        };
    }

    private static String codeSpan(String text) {
        String fence = "`".repeat(longestRun(text, '`') + 1);
        boolean pad = text.startsWith("`")
                || text.endsWith("`")
                || (text.startsWith(" ") && text.endsWith(" ") && !text.isBlank());
        return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
    }

    /**
     * Backslash-escapes what would read as Markdown: backslash, backtick, asterisk, brackets, angle brackets, and an
     * underscore unless it sits between two letters or digits (where it cannot be emphasis).
     */
    private static String escapeText(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\', '`', '*', '[', ']', '<' -> out.append('\\').append(c);
                case '_' -> {
                    boolean inWord = i > 0
                            && i + 1 < text.length()
                            && Character.isLetterOrDigit(text.charAt(i - 1))
                            && Character.isLetterOrDigit(text.charAt(i + 1));
                    out.append(inWord ? "_" : "\\_");
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Escapes what would start a block at the start of a line: {@code #}, {@code >}, {@code -}, {@code 1.}, ... */
    private static String escapeLineStarts(String markdown) {
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (LINE_START_SPECIAL.matcher(line).find()) {
                Matcher digits = DIGITS_THEN_DELIMITER.matcher(line);
                lines[i] = digits.find()
                        ? digits.group(1) + "\\" + digits.group(2) + line.substring(digits.end())
                        : "\\" + line;
            }
            if (line.startsWith("    ")) {
                lines[i] = lines[i].stripLeading();
            }
        }
        return String.join("\n", lines);
    }

    private static String prefixLines(String text, String prefix) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(lines[i].isEmpty() ? prefix.strip() : prefix + lines[i]);
        }
        return out.toString();
    }

    private static String destination(String href) {
        boolean plain = !href.isEmpty()
                && href.chars().noneMatch(c -> c <= ' ' || c == '(' || c == ')' || c == '<' || c == '>');
        if (plain) {
            return href.replace("\\", "\\\\");
        }
        return "<"
                + href.replace("\\", "\\\\")
                        .replace("<", "\\<")
                        .replace(">", "\\>")
                        .replace("\n", "%0A") + ">";
    }

    private static String escapeTitle(String title) {
        return title.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static int longestRun(CharSequence text, char c) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == c ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
