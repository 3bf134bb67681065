package dev.scaleplane.adapters.aws;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of AWS Signature Version 4, written from the documentation (docs.aws.amazon.com/IAM/latest/
 * UserGuide/create-signed-request.html) and independently of the SDK, for the simulation: parses the {@code
 * Authorization} header and recomputes the signature of a received request with a known secret key (canonical request
 * of method, URI, query, signed headers and payload hash; string to sign; key derived by date, region, service and
 * {@code aws4_request}).
 */
final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Pattern AUTHORIZATION = Pattern.compile(ALGORITHM
            + " Credential=([^/\\s]+)/(\\d{8})/([^/\\s]+)/([^/\\s]+)/aws4_request,\\s*SignedHeaders=([a-z0-9;-]+),"
            + "\\s*Signature=([0-9a-f]{64})");

    /** The parts of an {@code Authorization} header. */
    record Authorization(
            String accessKeyId,
            String date,
            String region,
            String service,
            List<String> signedHeaders,
            String signature) {}

    private SigV4() {}

    /** The header's parts, or null if it is not a SigV4 header. */
    static @Nullable Authorization parse(@Nullable String header) {
        if (header == null) {
            return null;
        }
        Matcher m = AUTHORIZATION.matcher(header.trim());
        if (!m.matches()) {
            return null;
        }
        return new Authorization(
                m.group(1),
                m.group(2),
                m.group(3),
                m.group(4),
                List.of(m.group(5).split(";")),
                m.group(6));
    }

    /** The signature {@code request} should carry, signed with {@code secretKey} as {@code auth} says. */
    static String expectedSignature(Request request, Authorization auth, String amzDate, String secretKey) {
        String canonical = canonicalRequest(request, auth.signedHeaders());
        String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        return hex(hmac(key, toSign));
    }

    static String canonicalRequest(Request request, List<String> signedHeaders) {
        String url = request.getUrl();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : canonicalQuery(url.substring(q + 1));
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders) {
            HttpHeader h = request.getHeaders().getHeader(name);
            List<String> values = new ArrayList<>();
            if (h.isPresent()) {
                for (String v : h.values()) {
                    values.add(v.trim().replaceAll("\\s+", " "));
                }
            }
            headers.append(name.toLowerCase(Locale.ROOT))
                    .append(':')
                    .append(String.join(",", values))
                    .append('\n');
        }
        String payloadHash = request.getHeader("x-amz-content-sha256") != null
                ? request.getHeader("x-amz-content-sha256")
                : hex(sha256(request.getBody()));
        return request.getMethod().getName() + "\n" + (path.isEmpty() ? "/" : path) + "\n" + query + "\n" + headers
                + "\n" + String.join(";", signedHeaders) + "\n" + payloadHash;
    }

    private static String canonicalQuery(String raw) {
        List<String> pairs = new ArrayList<>(List.of(raw.split("&")));
        pairs.removeIf(String::isEmpty);
        pairs.replaceAll(p -> p.contains("=") ? p : p + "=");
        pairs.sort(null);
        return String.join("&", pairs);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
