package dev.scaleplane.adapters.webhooks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.adapters.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The HMAC check against GitHub's published test values (docs.github.com, "Validating webhook deliveries", section
 * "Testing the webhook payload validation"), and the constant-time token comparison.
 */
class SignaturesTest {
    /** GitHub's published secret, payload and signature. */
    static final Secret GITHUB_TEST_SECRET = Secret.of("It's a Secret to Everybody");

    static final byte[] GITHUB_TEST_PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    static final String GITHUB_TEST_SIGNATURE =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void githubsPublishedTestValuesVerify() {
        assertThat(HexFormat.of().formatHex(Signatures.hmacSha256(GITHUB_TEST_SECRET, GITHUB_TEST_PAYLOAD)))
                .isEqualTo(GITHUB_TEST_SIGNATURE.substring("sha256=".length()));
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature-256", GITHUB_TEST_SIGNATURE, GITHUB_TEST_SECRET, GITHUB_TEST_PAYLOAD))
                .isNull();
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature-256",
                        GITHUB_TEST_SIGNATURE.toUpperCase(java.util.Locale.ROOT),
                        GITHUB_TEST_SECRET,
                        GITHUB_TEST_PAYLOAD))
                .as("hex digits in either case")
                .isNull();
    }

    @Test
    void aChangedBodyAWrongSecretAMissingOrMalformedHeaderAreRefusedWithoutShowingTheSignature() {
        byte[] changed = "Hello, World?".getBytes(StandardCharsets.UTF_8);
        String changedBody =
                Signatures.checkSha256Header("X-Hub-Signature-256", GITHUB_TEST_SIGNATURE, GITHUB_TEST_SECRET, changed);
        assertThat(changedBody).contains("does not match").doesNotContain("757107ea");
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature-256", GITHUB_TEST_SIGNATURE, Secret.of("another secret"), GITHUB_TEST_PAYLOAD))
                .contains("does not match")
                .doesNotContain("another secret");
        assertThat(Signatures.checkSha256Header("X-Hub-Signature-256", null, GITHUB_TEST_SECRET, GITHUB_TEST_PAYLOAD))
                .isEqualTo("missing X-Hub-Signature-256 header");
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature-256", "757107ea0eb2509f", GITHUB_TEST_SECRET, GITHUB_TEST_PAYLOAD))
                .contains("not of the form sha256=<hex>");
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature", "sha1=abcdef", GITHUB_TEST_SECRET, GITHUB_TEST_PAYLOAD))
                .contains("method 'sha1' is not supported");
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature", "sha256=zz", GITHUB_TEST_SECRET, GITHUB_TEST_PAYLOAD))
                .contains("not of the form sha256=<hex>");
        assertThat(Signatures.checkSha256Header(
                        "X-Hub-Signature-256",
                        GITHUB_TEST_SIGNATURE.substring(0, GITHUB_TEST_SIGNATURE.length() - 2),
                        GITHUB_TEST_SECRET,
                        GITHUB_TEST_PAYLOAD))
                .as("a truncated signature")
                .contains("does not match");
    }

    @Test
    void tokensMatchOnlyExactly() {
        Secret secret = Secret.of("glpat-webhook-token");
        assertThat(Signatures.tokenMatches("glpat-webhook-token", secret)).isTrue();
        assertThat(Signatures.tokenMatches("glpat-webhook-toke", secret)).isFalse();
        assertThat(Signatures.tokenMatches("glpat-webhook-token ", secret)).isFalse();
        assertThat(Signatures.tokenMatches("", secret)).isFalse();
        assertThat(Signatures.tokenMatches(null, secret)).isFalse();
    }

    @Test
    void theBodyIdIsStableAndDiffersBetweenBodies() {
        assertThat(Signatures.bodyId(GITHUB_TEST_PAYLOAD))
                .isEqualTo(Signatures.bodyId("Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .startsWith("sha256:")
                .isNotEqualTo(Signatures.bodyId("Hello, World?".getBytes(StandardCharsets.UTF_8)));
    }
}
