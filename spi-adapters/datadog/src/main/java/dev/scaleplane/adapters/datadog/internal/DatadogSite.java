package dev.scaleplane.adapters.datadog.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Datadog sites and where their API lives: {@code https://api.<site>} (Datadog's "Getting Started with Datadog
 * Sites", and the endpoint table on every page of its API reference). A site is named by its domain ({@code
 * datadoghq.eu}), by the domain of its web app ({@code app.datadoghq.eu}) or by its short name ({@code EU1}), in any
 * case.
 */
public enum DatadogSite {
    /** US1, the default. */
    US1("datadoghq.com"),
    /** US3. */
    US3("us3.datadoghq.com"),
    /** US5. */
    US5("us5.datadoghq.com"),
    /** EU1. */
    EU1("datadoghq.eu"),
    /** AP1. */
    AP1("ap1.datadoghq.com"),
    /** AP2. */
    AP2("ap2.datadoghq.com"),
    /** UK1. */
    UK1("uk1.datadoghq.com"),
    /** US1-FED, the US government site. */
    US1_FED("ddog-gov.com"),
    /** US2-FED. */
    US2_FED("us2.ddog-gov.com");

    private final String domain;

    DatadogSite(String domain) {
        this.domain = domain;
    }

    /** The site's domain, as the {@code site} setting spells it, e.g. {@code datadoghq.eu}. */
    public String domain() {
        return domain;
    }

    /** The site's short name, e.g. {@code EU1}, {@code US1-FED}. */
    public String shortName() {
        return name().replace('_', '-');
    }

    /** The API's base URL: {@code https://api.<domain>}. */
    public URI apiBase() {
        return URI.create("https://api." + domain);
    }

    /** The site named {@code spelling}: a domain, {@code app.} plus a domain, or a short name, in any case. */
    public static Optional<DatadogSite> of(String spelling) {
        String s = spelling.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("https://")) {
            s = s.substring("https://".length());
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.startsWith("app.")) {
            s = s.substring("app.".length());
        }
        for (DatadogSite site : values()) {
            if (site.domain.equals(s) || site.shortName().equalsIgnoreCase(s)) {
                return Optional.of(site);
            }
        }
        return Optional.empty();
    }

    /** Every site, for messages: {@code datadoghq.com (US1), ...}. */
    static String known() {
        List<DatadogSite> all = Arrays.asList(values());
        return all.stream().map(s -> s.domain + " (" + s.shortName() + ")").collect(Collectors.joining(", "));
    }
}
