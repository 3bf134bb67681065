package dev.scaleplane.adapters.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The inline part of {@link MarkdownToAdf}: one paragraph's or heading's Markdown text to ADF inline nodes ({@code
 * text} with the marks {@code strong}, {@code em}, {@code code} and {@code link}, and {@code hardBreak}).
 *
 * <p>Emphasis follows CommonMark's delimiter-run rules (left- and right-flanking runs, {@code _} not inside words,
 * the rule of three), so {@code snake_case_name} and {@code 2 * 3 * 4} stay text. Code spans, inline links with an
 * optional title, autolinks ({@code <https://...>}) and backslash escapes are read as CommonMark does. Everything
 * else, images and raw HTML included, stays as its literal text: nothing is dropped.
 *
 * <p>Two deliberate departures: a line break inside a paragraph becomes a {@code hardBreak} (GitHub shows one in
 * issues and comments, and the SDK's Markdown is written for both), and a code span inside bold or italic text loses
 * the bold or italic, because ADF allows the {@code code} mark together with {@code link} only.
 */
final class MarkdownInlines {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern AUTOLINK = Pattern.compile("<([A-Za-z][A-Za-z0-9+.\\-]{1,31}:[^<>\\x00-\\x20]*)>");
    private static final Pattern EMAIL_AUTOLINK =
            Pattern.compile("<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~\\-]+@[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*)>");

    private MarkdownInlines() {}

    private enum Kind {
        ROOT,
        TEXT,
        CODE,
        BREAK,
        STRONG,
        EM,
        LINK
    }

    /** A node of the inline tree; siblings are doubly linked so that emphasis can wrap ranges in place. */
    private static final class Node {
        final Kind kind;
        final StringBuilder text = new StringBuilder();
        /** False for delimiter runs and brackets, which must stay separate nodes while they may still match. */
        boolean mergeable = true;

        @Nullable
        String href;

        @Nullable
        String title;

        @Nullable
        Node parent;

        @Nullable
        Node prev;

        @Nullable
        Node next;

        @Nullable
        Node first;

        @Nullable
        Node last;

        Node(Kind kind) {
            this.kind = kind;
        }

        void append(Node child) {
            child.parent = this;
            child.prev = last;
            child.next = null;
            if (last == null) {
                first = child;
            } else {
                last.next = child;
            }
            last = child;
        }

        void insertAfter(Node sibling) {
            Node p = parent;
            sibling.parent = p;
            sibling.prev = this;
            sibling.next = next;
            if (next != null) {
                next.prev = sibling;
            } else if (p != null) {
                p.last = sibling;
            }
            next = sibling;
        }

        void unlink() {
            if (prev != null) {
                prev.next = next;
            } else if (parent != null) {
                parent.first = next;
            }
            if (next != null) {
                next.prev = prev;
            } else if (parent != null) {
                parent.last = prev;
            }
            parent = null;
            prev = null;
            next = null;
        }
    }

    /** An entry of the delimiter stack: a run of {@code *} or {@code _}. */
    private static final class Delimiter {
        final Node node;
        final char ch;
        final int originalCount;
        final boolean canOpen;
        final boolean canClose;
        int count;

        @Nullable
        Delimiter prev;

        @Nullable
        Delimiter next;

        Delimiter(Node node, char ch, int count, boolean canOpen, boolean canClose) {
            this.node = node;
            this.ch = ch;
            this.count = count;
            this.originalCount = count;
            this.canOpen = canOpen;
            this.canClose = canClose;
        }
    }

    /** An entry of the bracket stack: {@code [} or {@code ![} waiting for its {@code ]}. */
    private static final class Bracket {
        final Node node;
        final boolean image;
        final int sourceStart;
        final @Nullable Delimiter delimiterBelow;
        final @Nullable Bracket prev;
        boolean active = true;

        Bracket(Node node, boolean image, int sourceStart, @Nullable Delimiter delimiterBelow, @Nullable Bracket prev) {
            this.node = node;
            this.image = image;
            this.sourceStart = sourceStart;
            this.delimiterBelow = delimiterBelow;
            this.prev = prev;
        }
    }

    /** The ADF inline nodes of {@code text}: text nodes with marks and hard breaks, adjacent equal marks merged. */
    static ArrayNode toAdf(String text) {
        Parser parser = new Parser(text);
        Node root = parser.parse();
        ArrayNode out = JSON.arrayNode();
        emit(root, new Marks(false, false, null, null), out);
        return out;
    }

    private static final class Parser {
        private final String s;
        private final Node root = new Node(Kind.ROOT);
        private @Nullable Delimiter lastDelimiter;
        private @Nullable Bracket lastBracket;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Node parse() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                switch (c) {
                    case '\\' -> backslash();
                    case '\n' -> lineBreak();
                    case '`' -> codeSpan();
                    case '<' -> autolink();
                    case '!' -> {
                        if (pos + 1 < s.length() && s.charAt(pos + 1) == '[') {
                            openBracket(true);
                        } else {
                            text("!");
                            pos++;
                        }
                    }
                    case '[' -> openBracket(false);
                    case ']' -> closeBracket();
                    case '*', '_' -> delimiterRun(c);
                    default -> plainText();
                }
            }
            processEmphasis(null);
            return root;
        }

        private void plainText() {
            int end = pos;
            while (end < s.length() && "\\\n`<![]*_".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            text(s.substring(pos, end));
            pos = end;
        }

        private void text(String t) {
            Node last = root.last;
            if (last != null && last.kind == Kind.TEXT && last.mergeable) {
                last.text.append(t);
            } else {
                Node n = new Node(Kind.TEXT);
                n.text.append(t);
                root.append(n);
            }
        }

        private void backslash() {
            if (pos + 1 < s.length()) {
                char n = s.charAt(pos + 1);
                if (n == '\n') {
                    pos += 2;
                    hardBreak();
                    return;
                }
                if (isAsciiPunctuation(n)) {
                    text(String.valueOf(n));
                    pos += 2;
                    return;
                }
            }
            text("\\");
            pos++;
        }

        private void lineBreak() {
            pos++;
            hardBreak();
        }

        private void hardBreak() {
            Node last = root.last;
            if (last != null && last.kind == Kind.TEXT && last.mergeable) {
                int end = last.text.length();
                while (end > 0 && last.text.charAt(end - 1) == ' ') {
                    end--;
                }
                last.text.setLength(end);
            }
            root.append(new Node(Kind.BREAK));
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private void codeSpan() {
            int start = pos;
            int run = runLength(start, '`');
            int search = start + run;
            while (search < s.length()) {
                int next = s.indexOf('`', search);
                if (next < 0) {
                    break;
                }
                int closing = runLength(next, '`');
                if (closing == run) {
                    String content = s.substring(start + run, next).replace('\n', ' ');
                    if (content.length() >= 2
                            && content.charAt(0) == ' '
                            && content.charAt(content.length() - 1) == ' '
                            && !content.isBlank()) {
                        content = content.substring(1, content.length() - 1);
                    }
                    Node code = new Node(Kind.CODE);
                    code.text.append(content);
                    root.append(code);
                    pos = next + closing;
                    return;
                }
                search = next + closing;
            }
            text(s.substring(start, start + run));
            pos = start + run;
        }

        private void autolink() {
            Matcher m = AUTOLINK.matcher(s).region(pos, s.length());
            String href = null;
            String label = null;
            int end = 0;
            if (m.lookingAt()) {
                href = m.group(1);
                label = href;
                end = m.end();
            } else {
                Matcher e = EMAIL_AUTOLINK.matcher(s).region(pos, s.length());
                if (e.lookingAt()) {
                    href = "mailto:" + e.group(1);
                    label = e.group(1);
                    end = e.end();
                }
            }
            if (href == null) {
                text("<");
                pos++;
                return;
            }
            Node link = new Node(Kind.LINK);
            link.href = href;
            Node t = new Node(Kind.TEXT);
            t.text.append(label);
            link.append(t);
            root.append(link);
            pos = end;
        }

        private void openBracket(boolean image) {
            Node n = new Node(Kind.TEXT);
            n.mergeable = false;
            n.text.append(image ? "![" : "[");
            root.append(n);
            lastBracket = new Bracket(n, image, pos, lastDelimiter, lastBracket);
            pos += image ? 2 : 1;
        }

        private void closeBracket() {
            Bracket opener = lastBracket;
            if (opener == null) {
                text("]");
                pos++;
                return;
            }
            if (!opener.active) {
                lastBracket = opener.prev;
                text("]");
                pos++;
                return;
            }
            LinkTarget target = LinkTarget.parse(s, pos + 1);
            if (target == null || target.href().isEmpty()) {
                lastBracket = opener.prev;
                text("]");
                pos++;
                return;
            }
            lastBracket = opener.prev;
            if (opener.image) {
                // Images are not part of the subset: the whole construct stays as its source text.
                while (root.last != opener.node) {
                    root.last.unlink();
                }
                opener.node.unlink();
                while (lastDelimiter != opener.delimiterBelow) {
                    removeDelimiter(lastDelimiter);
                }
                Node literal = new Node(Kind.TEXT);
                literal.text.append(s, opener.sourceStart, target.end());
                root.append(literal);
                pos = target.end();
                return;
            }
            Node link = new Node(Kind.LINK);
            link.href = target.href();
            link.title = target.title();
            Node n = opener.node.next;
            while (n != null) {
                Node next = n.next;
                n.unlink();
                link.append(n);
                n = next;
            }
            processEmphasis(opener.delimiterBelow);
            opener.node.unlink();
            root.append(link);
            pos = target.end();
            // Links may not contain links: earlier openers can no longer make one.
            for (Bracket b = lastBracket; b != null; b = b.prev) {
                if (!b.image) {
                    b.active = false;
                }
            }
        }

        private void delimiterRun(char c) {
            int run = runLength(pos, c);
            int before = pos == 0 ? '\n' : s.codePointBefore(pos);
            int after = pos + run >= s.length() ? '\n' : s.codePointAt(pos + run);
            boolean leftFlanking =
                    !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before));
            boolean rightFlanking =
                    !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after));
            boolean canOpen;
            boolean canClose;
            if (c == '*') {
                canOpen = leftFlanking;
                canClose = rightFlanking;
            } else {
                canOpen = leftFlanking && (!rightFlanking || isPunctuation(before));
                canClose = rightFlanking && (!leftFlanking || isPunctuation(after));
            }
            Node n = new Node(Kind.TEXT);
            n.mergeable = false;
            n.text.append(String.valueOf(c).repeat(run));
            root.append(n);
            pos += run;
            if (canOpen || canClose) {
                Delimiter d = new Delimiter(n, c, run, canOpen, canClose);
                d.prev = lastDelimiter;
                if (lastDelimiter != null) {
                    lastDelimiter.next = d;
                }
                lastDelimiter = d;
            }
        }

        /** CommonMark's "process emphasis" over the delimiters above {@code bottom}. */
        private void processEmphasis(@Nullable Delimiter bottom) {
            Delimiter closer = lastDelimiter;
            while (closer != null && closer.prev != bottom) {
                closer = closer.prev;
            }
            while (closer != null) {
                if (!closer.canClose) {
                    closer = closer.next;
                    continue;
                }
                Delimiter opener = closer.prev;
                boolean found = false;
                while (opener != null && opener != bottom) {
                    if (opener.ch == closer.ch && opener.canOpen) {
                        boolean oddMatch = (closer.canOpen || opener.canClose)
                                && closer.originalCount % 3 != 0
                                && (opener.originalCount + closer.originalCount) % 3 == 0;
                        if (!oddMatch) {
                            found = true;
                            break;
                        }
                    }
                    opener = opener.prev;
                }
                if (!found || opener == null) {
                    Delimiter next = closer.next;
                    if (!closer.canOpen) {
                        removeDelimiter(closer);
                    }
                    closer = next;
                    continue;
                }
                int use = closer.count >= 2 && opener.count >= 2 ? 2 : 1;
                opener.count -= use;
                closer.count -= use;
                opener.node.text.setLength(opener.count);
                closer.node.text.setLength(closer.count);
                Node emphasis = new Node(use == 2 ? Kind.STRONG : Kind.EM);
                Node n = opener.node.next;
                while (n != null && n != closer.node) {
                    Node next = n.next;
                    n.unlink();
                    emphasis.append(n);
                    n = next;
                }
                opener.node.insertAfter(emphasis);
                opener.next = closer;
                closer.prev = opener;
                if (opener.count == 0) {
                    opener.node.unlink();
                    removeDelimiter(opener);
                }
                if (closer.count == 0) {
                    Delimiter next = closer.next;
                    closer.node.unlink();
                    removeDelimiter(closer);
                    closer = next;
                }
            }
            while (lastDelimiter != null && lastDelimiter != bottom) {
                removeDelimiter(lastDelimiter);
            }
        }

        private void removeDelimiter(@Nullable Delimiter d) {
            if (d == null) {
                return;
            }
            if (d.prev != null) {
                d.prev.next = d.next;
            }
            if (d.next != null) {
                d.next.prev = d.prev;
            } else {
                lastDelimiter = d.prev;
            }
            d.prev = null;
            d.next = null;
        }

        private int runLength(int from, char c) {
            int end = from;
            while (end < s.length() && s.charAt(end) == c) {
                end++;
            }
            return end - from;
        }
    }

    /** An inline link's destination and title, and where its closing parenthesis ends. */
    private record LinkTarget(String href, @Nullable String title, int end) {

        /** Parses {@code (dest "title")} at {@code i}, or null if there is none. */
        static @Nullable LinkTarget parse(String s, int i) {
            if (i >= s.length() || s.charAt(i) != '(') {
                return null;
            }
            i = skipSpace(s, i + 1);
            StringBuilder href = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '<') {
                i++;
                while (i < s.length() && s.charAt(i) != '>') {
                    char c = s.charAt(i);
                    if (c == '\n' || c == '<') {
                        return null;
                    }
                    if (c == '\\' && i + 1 < s.length() && isAsciiPunctuation(s.charAt(i + 1))) {
                        href.append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    href.append(c);
                    i++;
                }
                if (i >= s.length()) {
                    return null;
                }
                i++;
            } else {
                int depth = 0;
                while (i < s.length()) {
                    char c = s.charAt(i);
                    if (c <= ' ') {
                        break;
                    }
                    if (c == '\\' && i + 1 < s.length() && isAsciiPunctuation(s.charAt(i + 1))) {
                        href.append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (c == '(') {
                        depth++;
                    } else if (c == ')') {
                        if (depth == 0) {
                            break;
                        }
                        depth--;
                    }
                    href.append(c);
                    i++;
                }
                if (depth != 0) {
                    return null;
                }
            }
            int afterHref = i;
            i = skipSpace(s, i);
            String title = null;
            if (i < s.length() && i > afterHref && "\"'(".indexOf(s.charAt(i)) >= 0) {
                char open = s.charAt(i);
                char close = open == '(' ? ')' : open;
                StringBuilder t = new StringBuilder();
                i++;
                while (i < s.length() && s.charAt(i) != close) {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < s.length() && isAsciiPunctuation(s.charAt(i + 1))) {
                        t.append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    t.append(c);
                    i++;
                }
                if (i >= s.length()) {
                    return null;
                }
                title = t.toString();
                i = skipSpace(s, i + 1);
            }
            if (i >= s.length() || s.charAt(i) != ')') {
                return null;
            }
            return new LinkTarget(href.toString(), title, i + 1);
        }

        private static int skipSpace(String s, int i) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n')) {
                i++;
            }
            return i;
        }
    }

    /** The marks in effect on a piece of text. ADF allows {@code code} with {@code link} only. */
    private record Marks(boolean strong, boolean em, @Nullable String href, @Nullable String title) {
        Marks withStrong() {
            return new Marks(true, em, href, title);
        }

        Marks withEm() {
            return new Marks(strong, true, href, title);
        }

        Marks withLink(@Nullable String href, @Nullable String title) {
            return new Marks(strong, em, href, title);
        }

        /** The marks of a code span here: its link, if any, and {@code code}. */
        ArrayNode forCode() {
            ArrayNode out = JSON.arrayNode();
            out.addObject().put("type", "code");
            addLink(out);
            return out;
        }

        ArrayNode forText() {
            ArrayNode out = JSON.arrayNode();
            if (strong) {
                out.addObject().put("type", "strong");
            }
            if (em) {
                out.addObject().put("type", "em");
            }
            addLink(out);
            return out;
        }

        private void addLink(ArrayNode out) {
            if (href != null) {
                ObjectNode attrs = out.addObject().put("type", "link").putObject("attrs");
                attrs.put("href", href);
                if (title != null && !title.isEmpty()) {
                    attrs.put("title", title);
                }
            }
        }
    }

    private static void emit(Node parent, Marks marks, ArrayNode out) {
        for (Node n = parent.first; n != null; n = n.next) {
            switch (n.kind) {
                case TEXT -> addText(out, n.text.toString(), marks.forText());
                case CODE -> addText(out, n.text.toString(), marks.forCode());
                case BREAK -> out.addObject().put("type", "hardBreak");
                case STRONG -> emit(n, marks.withStrong(), out);
                case EM -> emit(n, marks.withEm(), out);
                case LINK -> {
                    int before = out.size();
                    Marks inLink = marks.withLink(n.href, n.title);
                    emit(n, inLink, out);
                    if (out.size() == before) {
                        // [](url): the link would vanish; its address is its text instead.
                        addText(out, n.href == null ? "" : n.href, inLink.forText());
                    }
                }
                case ROOT -> throw new IllegalStateException("nested root");
            }
        }
    }

    private static void addText(ArrayNode out, String text, ArrayNode marks) {
        if (text.isEmpty()) {
            return;
        }
        if (!out.isEmpty()) {
            JsonNode last = out.get(out.size() - 1);
            JsonNode lastMarks = last.get("marks");
            boolean sameMarks = lastMarks == null ? marks.isEmpty() : lastMarks.equals(marks);
            if ("text".equals(last.path("type").asText()) && sameMarks) {
                ((ObjectNode) last).put("text", last.path("text").asText() + text);
                return;
            }
        }
        ObjectNode node = out.addObject().put("type", "text").put("text", text);
        if (!marks.isEmpty()) {
            node.set("marks", marks);
        }
    }

    static boolean isAsciiPunctuation(char c) {
        return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
    }

    private static boolean isWhitespace(int cp) {
        return cp == '\n' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isPunctuation(int cp) {
        if (cp < 128) {
            return isAsciiPunctuation((char) cp);
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }
}
