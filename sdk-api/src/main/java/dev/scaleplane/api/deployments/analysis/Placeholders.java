package dev.scaleplane.api.deployments.analysis;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code {{name}}} placeholders of metric sources: checking their syntax and substituting the run's args. */
final class Placeholders {
    /** A placeholder's name: letters, digits, '_', '-' and '.'. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    private Placeholders() {}

    /**
     * Checks that every double opening brace starts a well-formed placeholder.
     *
     * @throws IllegalArgumentException naming the field, the text and the malformed part
     */
    static void check(String field, String text) {
        int from = 0;
        while (true) {
            int open = text.indexOf("{{", from);
            if (open < 0) {
                return;
            }
            Matcher m = PLACEHOLDER.matcher(text);
            if (!m.find(open) || m.start() != open) {
                throw new IllegalArgumentException(field + " \"" + text + "\" has a malformed placeholder at position "
                        + open + "; write {{name}} with a name of letters, digits, '_', '-' or '.', e.g. {{service}}");
            }
            from = m.end();
        }
    }

    /**
     * {@code text} with every placeholder replaced by its arg.
     *
     * @throws UnknownPlaceholderException for the first placeholder {@code args} does not hold
     */
    static String substitute(String text, Map<String, String> args) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = args.get(m.group(1));
            if (value == null) {
                throw new UnknownPlaceholderException(m.group(1), text, args.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
