package dev.scaleplane.adapters.http.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * RS256 JWTs with the JDK alone: a GitHub App JWT is three base64url parts and one SHA256withRSA signature, which is
 * shorter than a library's setup. The one chore is GitHub's PKCS#1 key ({@code BEGIN RSA PRIVATE KEY}), which the
 * JDK reads only as PKCS#8: it is wrapped in the fixed PKCS#8 envelope (RFC 5208) below.
 */
public final class Rs256 {
    /** AlgorithmIdentifier of rsaEncryption (OID 1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Rs256() {}

    /**
     * Reads an RSA private key from PEM, PKCS#1 or PKCS#8.
     *
     * @throws IllegalArgumentException if it is neither; the message never includes the key
     */
    public static PrivateKey privateKey(String pem) {
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        if (!pkcs1 && !pem.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalArgumentException(
                    "the private key must be PEM, either 'BEGIN RSA PRIVATE KEY' (as GitHub issues it) or 'BEGIN"
                            + " PRIVATE KEY'");
        }
        try {
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(base64);
            byte[] pkcs8 = pkcs1 ? wrapPkcs1(der) : der;
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The cause could quote key material: drop it, keep its type.
            throw new IllegalArgumentException(
                    "the private key is not a readable RSA key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A signed JWT: {@code base64url(header).base64url(payload).base64url(signature)}. */
    public static String sign(String headerJson, String payloadJson, PrivateKey key) {
        String signingInput = URL.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a JWT with SHA256withRSA", e);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm, privateKey OCTET STRING (the PKCS#1 key) }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** DER length: one byte below 128, else 0x80 + the number of big-endian length bytes. */
    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
}
