package dev.scaleplane.adapters.linear.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers this adapter hands out and accepts (shared with the webhook receiver): project = a team key such as
 * {@code ENG}; issue id = the issue's identifier, {@code <team key>-<number>} such as {@code ENG-123}, which Linear's
 * {@code issue(id:)} and {@code commentCreate} accept as they are. Linear's UUIDs stay inside the adapter.
 */
final class Ids {
    private static final Pattern TEAM_KEY = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern ISSUE = Pattern.compile("([A-Za-z0-9_]+)-(\\d+)");

    private Ids() {}

    /** A team key, e.g. {@code ENG}. */
    static String teamKey(String project) {
        match(TEAM_KEY, project, "a Linear team key, e.g. ENG");
        return project;
    }

    /** An issue identifier, e.g. {@code ENG-123}. */
    static String issue(String issueId) {
        match(ISSUE, issueId, "a Linear issue identifier as TEAM-number, e.g. ENG-123");
        return issueId;
    }

    private static Matcher match(Pattern pattern, String value, String expected) {
        Matcher m = pattern.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + expected + ", but was '" + value + "'");
        }
        return m;
    }
}
