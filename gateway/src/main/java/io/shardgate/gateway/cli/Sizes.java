package io.shardgate.gateway.cli;

import java.util.Locale;

/** Byte sizes with binary suffixes: {@code 4096}, {@code 512K}, {@code 10G}, {@code 2T} (1K = 1024). */
final class Sizes {
    private Sizes() {
    }

    /** @throws IllegalArgumentException for garbage, zero, negative or overflowing sizes, saying what was wrong */
    static long parse(String text) {
        String s = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB") || s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
            s = s.substring(0, s.length() - (s.endsWith("IB") ? 2 : 1));
        }
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use bytes or a number with K, M, G or T");
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        if (n == 0) {
            throw new IllegalArgumentException("a size must be > 0");
        }
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }
}
