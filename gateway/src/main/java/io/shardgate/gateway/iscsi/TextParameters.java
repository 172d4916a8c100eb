package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value} pairs of login and text PDUs (RFC 7143 section 6): NUL-terminated UTF-8 strings. Keeps the
 * order of the keys. Not thread-safe; login and text exchanges only, never the I/O path.
 */
final class TextParameters {
    /** Longest key name the RFC allows. */
    private static final int MAX_KEY = 63;

    private final Map<String, String> pairs = new LinkedHashMap<>();

    /** Parses a data segment; a pair without '=' or an over-long key throws {@link IscsiProtocolException}. */
    static TextParameters parse(Buffer data) {
        TextParameters t = new TextParameters();
        String all = data.toString(StandardCharsets.UTF_8);
        int start = 0;
        while (start < all.length()) {
            int end = all.indexOf('\0', start);
            if (end < 0) {
                end = all.length();
            }
            if (end > start) {
                String pair = all.substring(start, end);
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq > MAX_KEY) {
                    throw new IscsiProtocolException("malformed text key in \"" + shorten(pair) + "\"");
                }
                t.pairs.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            start = end + 1;
        }
        return t;
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    String get(String key) {
        return pairs.get(key);
    }

    Map<String, String> asMap() {
        return pairs;
    }

    TextParameters put(String key, String value) {
        pairs.put(key, value);
        return this;
    }

    boolean isEmpty() {
        return pairs.isEmpty();
    }

    /** The data segment: every pair followed by a NUL. */
    Buffer encode() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\0');
        }
        return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
