package dev.scaleplane.adapters.jira;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks an Atlassian Document Format document against the rules of developer.atlassian.com's ADF reference for the
 * nodes and marks the Markdown subset uses: {@code doc} version 1; {@code paragraph}, {@code heading} ({@code
 * attrs.level} 1-6), {@code bulletList}/{@code orderedList} (at least one {@code listItem}; {@code attrs.order} >= 0),
 * {@code listItem} (not empty, never starting with a list), {@code codeBlock} (text without marks, optional {@code
 * attrs.language}); {@code text} (not empty) with the marks {@code strong}, {@code em}, {@code code} (with {@code
 * link} only) and {@code link} ({@code attrs.href}), each at most once; {@code hardBreak}. Anything else is reported,
 * so that the converter cannot emit what Jira would refuse. Used by the Jira simulation and the converter's tests.
 */
public final class AdfCheck {
    private AdfCheck() {}

    /** The problems of {@code doc}; empty when it is valid. */
    public static List<String> problems(JsonNode doc) {
        List<String> out = new ArrayList<>();
        if (!doc.isObject() || !"doc".equals(doc.path("type").asText())) {
            out.add("the root is not {\"type\": \"doc\"}");
            return out;
        }
        if (doc.path("version").asInt(-1) != 1) {
            out.add("doc.version is not 1");
        }
        if (!doc.path("content").isArray()) {
            out.add("doc.content is not an array");
            return out;
        }
        for (JsonNode block : doc.path("content")) {
            block(block, "doc", out);
        }
        return out;
    }

    private static void block(JsonNode n, String where, List<String> out) {
        String type = n.path("type").asText();
        String at = where + "/" + type;
        switch (type) {
            case "paragraph" -> inlines(n, at, out);
            case "heading" -> {
                int level = n.path("attrs").path("level").asInt(0);
                if (level < 1 || level > 6) {
                    out.add(at + ": attrs.level " + n.path("attrs").path("level") + " is not 1-6");
                }
                inlines(n, at, out);
            }
            case "codeBlock" -> {
                JsonNode language = n.path("attrs").path("language");
                if (!language.isMissingNode() && !language.isTextual()) {
                    out.add(at + ": attrs.language is not a string");
                }
                for (JsonNode t : n.path("content")) {
                    if (!"text".equals(t.path("type").asText())) {
                        out.add(at + ": holds " + t.path("type").asText() + ", not text");
                    }
                    if (t.has("marks")) {
                        out.add(at + ": text in a code block has marks");
                    }
                    if (t.path("text").asText().isEmpty()) {
                        out.add(at + ": empty text node");
                    }
                }
            }
            case "bulletList", "orderedList" -> {
                if (type.equals("orderedList") && n.path("attrs").has("order")) {
                    JsonNode order = n.path("attrs").path("order");
                    if (!order.isInt() || order.asInt() < 0) {
                        out.add(at + ": attrs.order " + order + " is not an integer >= 0");
                    }
                }
                if (!n.path("content").isArray() || n.path("content").isEmpty()) {
                    out.add(at + ": has no listItem");
                }
                for (JsonNode item : n.path("content")) {
                    if (!"listItem".equals(item.path("type").asText())) {
                        out.add(at + ": holds " + item.path("type").asText() + ", not listItem");
                        continue;
                    }
                    listItem(item, at, out);
                }
            }
            default -> out.add(at + ": not a block node of the subset");
        }
        allowedKeys(n, at, out, "type", "content", "attrs");
    }

    private static void listItem(JsonNode item, String where, List<String> out) {
        String at = where + "/listItem";
        JsonNode content = item.path("content");
        if (!content.isArray() || content.isEmpty()) {
            out.add(at + ": is empty");
            return;
        }
        String first = content.get(0).path("type").asText();
        if (!first.equals("paragraph") && !first.equals("codeBlock")) {
            out.add(at + ": starts with " + first + ", not a paragraph");
        }
        for (JsonNode child : content) {
            String type = child.path("type").asText();
            if (type.equals("heading")) {
                out.add(at + ": holds a heading");
            }
            block(child, at, out);
        }
    }

    private static void inlines(JsonNode n, String at, List<String> out) {
        if (!n.has("content")) {
            return;
        }
        if (!n.path("content").isArray()) {
            out.add(at + ": content is not an array");
            return;
        }
        for (JsonNode inline : n.path("content")) {
            String type = inline.path("type").asText();
            if (type.equals("hardBreak")) {
                allowedKeys(inline, at + "/hardBreak", out, "type", "attrs");
                continue;
            }
            if (!type.equals("text")) {
                out.add(at + ": holds " + type + ", not an inline node of the subset");
                continue;
            }
            if (!inline.path("text").isTextual() || inline.path("text").asText().isEmpty()) {
                out.add(at + "/text: text is missing or empty");
            }
            marks(inline, at + "/text", out);
            allowedKeys(inline, at + "/text", out, "type", "text", "marks");
        }
    }

    private static void marks(JsonNode text, String at, List<String> out) {
        if (!text.has("marks")) {
            return;
        }
        if (!text.path("marks").isArray() || text.path("marks").isEmpty()) {
            out.add(at + ": marks is not a non-empty array");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode mark : text.path("marks")) {
            String type = mark.path("type").asText();
            if (!seen.add(type)) {
                out.add(at + ": mark " + type + " twice");
            }
            switch (type) {
                case "strong", "em", "code" -> allowedKeys(mark, at + "/" + type, out, "type");
                case "link" -> {
                    if (!mark.path("attrs").path("href").isTextual()) {
                        out.add(at + ": link without attrs.href");
                    }
                    allowedKeys(mark.path("attrs"), at + "/link/attrs", out, "href", "title");
                }
                default -> out.add(at + ": mark " + type + " is not in the subset");
            }
        }
        if (seen.contains("code") && (seen.contains("strong") || seen.contains("em"))) {
            out.add(at + ": code combined with " + seen + " (ADF allows code with link only)");
        }
    }

    private static void allowedKeys(JsonNode n, String at, List<String> out, String... keys) {
        Set<String> allowed = Set.of(keys);
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                out.add(at + ": unexpected property " + key);
            }
        }
    }
}
