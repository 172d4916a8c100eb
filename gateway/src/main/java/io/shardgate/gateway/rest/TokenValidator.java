package io.shardgate.gateway.rest;

import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides whether a bearer token may call the management API. Asynchronous so that a Keystone validator (with a
 * cache) can be added beside the static secret. Implementations are thread-safe.
 */
@FunctionalInterface
public interface TokenValidator {

    /** @param token the bearer token, or null when none was sent */
    Future<Boolean> validate(String token);

    /** The configured admin secret, compared in constant time. */
    static TokenValidator staticSecret(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the admin token must have at least 16 characters");
        }
        byte[] expected = secret.getBytes(StandardCharsets.UTF_8);
        return token -> Future.succeededFuture(token != null
                && MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8)));
    }
}
