package io.shardgate.gateway.iscsi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * CHAP with MD5 (algorithm 5) as RFC 7143 section 12.1.3 profiles RFC 1994: response = MD5(identifier || secret ||
 * challenge). Values travel as {@code 0x} hex (we send) or hex/{@code 0b} base64 (we accept). Stateless, thread-safe.
 */
final class Chap {
    static final String MD5 = "5";
    /** Challenge length in bytes (RFC 7143 recommends at least the hash length). */
    static final int CHALLENGE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Chap() {
    }

    static byte[] challenge() {
        byte[] c = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(c);
        return c;
    }

    static int identifier() {
        return RANDOM.nextInt(256);
    }

    static byte[] response(int identifier, String secret, byte[] challenge) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update((byte) identifier);
            md5.update(secret.getBytes(StandardCharsets.UTF_8));
            md5.update(challenge);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    static String encode(byte[] value) {
        return "0x" + HexFormat.of().formatHex(value);
    }

    /** Decodes a binary value; null when malformed. */
    static byte[] decode(String value) {
        if (value == null || value.length() < 3) {
            return null;
        }
        try {
            String body = value.substring(2);
            if (value.startsWith("0x") || value.startsWith("0X")) {
                return HexFormat.of().parseHex(body.length() % 2 == 0 ? body : "0" + body);
            }
            if (value.startsWith("0b") || value.startsWith("0B")) {
                return Base64.getDecoder().decode(body);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** Compares in time independent of where the first difference is. */
    static boolean matches(byte[] expected, byte[] actual) {
        return actual != null && MessageDigest.isEqual(expected, actual);
    }
}
