package io.shardgate.gateway.iscsi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where the target finds the CHAP credentials of a volume (and of discovery sessions). The seam the volume records
 * will back later; {@link MemoryIscsiAuth} keeps them in memory for now.
 *
 * <p>Called on event loops during login: implementations must be thread-safe and must not block (look the answer up
 * in memory).
 */
public interface IscsiAuth {

    /** No CHAP anywhere: every login with {@code AuthMethod=None} is accepted. */
    IscsiAuth NONE = new IscsiAuth() {
        @Override
        public Credentials forVolume(String volume) {
            return null;
        }

        @Override
        public Credentials forDiscovery() {
            return null;
        }
    };

    /** The credentials a normal session to {@code volume} must present, or null when none is required. */
    Credentials forVolume(String volume);

    /** The credentials a discovery session must present, or null when discovery is open. */
    Credentials forDiscovery();

    /**
     * CHAP credentials (MD5, RFC 1994 as profiled by RFC 7143 section 12.1.3). Secrets must be 12 to 255 bytes (RFC
     * 7143 asks for at least 96 bits).
     *
     * @param user           the name the initiator must send ({@code CHAP_N})
     * @param secret         the initiator's secret
     * @param targetUser     for mutual CHAP, the name the target answers with; null for one-way CHAP
     * @param targetSecret   for mutual CHAP, the target's secret (must differ from {@code secret}); null for one-way
     */
    record Credentials(String user, String secret, String targetUser, String targetSecret) {
        public Credentials {
            Objects.requireNonNull(user, "iscsi.chap.user");
            checkSecret(secret, "iscsi.chap.secret");
            if ((targetUser == null) != (targetSecret == null)) {
                throw new IllegalArgumentException("iscsi.chap.target-user and target-secret go together");
            }
            if (targetSecret != null) {
                checkSecret(targetSecret, "iscsi.chap.target-secret");
                if (targetSecret.equals(secret)) {
                    throw new IllegalArgumentException("iscsi.chap.target-secret must differ from the initiator's");
                }
            }
        }

        /** One-way CHAP. */
        public static Credentials oneWay(String user, String secret) {
            return new Credentials(user, secret, null, null);
        }

        public boolean mutual() {
            return targetSecret != null;
        }

        private static void checkSecret(String secret, String name) {
            if (secret == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            int n = secret.getBytes(StandardCharsets.UTF_8).length;
            if (n < 12 || n > 255) {
                throw new IllegalArgumentException(name + " must be 12 to 255 bytes, was " + n);
            }
        }

        @Override
        public String toString() {
            return "Credentials[user=" + user + ", mutual=" + mutual() + "]"; // never print secrets
        }
    }
}
