package io.shardgate.gateway.rest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepts Keystone v3 tokens (what the Cinder driver sends when it is configured with Keystone credentials):
 * a token is valid when Keystone validates it ({@code GET /v3/auth/tokens} with this service's own token) and it
 * carries the required role. Valid tokens are cached until they expire (at most five minutes, so a revoked token
 * stops working within that), so most requests cost no call to Keystone. The service token is obtained with the
 * configured password and renewed before it expires. Thread-safe, non-blocking (asynchronous HTTP).
 */
public final class KeystoneTokenValidator implements TokenValidator {
    private static final Logger LOG = LoggerFactory.getLogger(KeystoneTokenValidator.class);
    private static final Duration MAX_CACHE = Duration.ofMinutes(5);
    private static final int MAX_CACHED = 10_000;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Settings settings;
    private final Map<String, Instant> valid = new ConcurrentHashMap<>();
    private volatile CompletableFuture<ServiceToken> service;

    /**
     * Where Keystone is and who this gateway is to it.
     *
     * @param url          Keystone's v3 URL, e.g. {@code http://keystone:5000/v3}
     * @param user         the service user
     * @param password     its password
     * @param project      the project the service token is scoped to
     * @param domain       the user's and project's domain name
     * @param requiredRole a token must carry this role to manage volumes (e.g. {@code admin})
     */
    public record Settings(URI url, String user, String password, String project, String domain, String requiredRole) {
    }

    private record ServiceToken(String token, Instant expires) {
    }

    public KeystoneTokenValidator(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<Boolean> validate(String token) {
        if (token == null || token.isBlank()) {
            return Future.succeededFuture(false);
        }
        Instant until = valid.get(token);
        if (until != null && until.isAfter(Instant.now())) {
            return Future.succeededFuture(true);
        }
        return Future.fromCompletionStage(serviceToken().thenCompose(s -> check(s, token, true)));
    }

    private CompletableFuture<Boolean> check(ServiceToken s, String token, boolean retry) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.url() + "/auth/tokens"))
                .timeout(Duration.ofSeconds(10)).header("X-Auth-Token", s.token()).header("X-Subject-Token", token)
                .header("Accept", "application/json").GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
            if (r.statusCode() == 401 && retry) { // our own token expired early or was revoked: get a new one
                service = null;
                return serviceToken().thenCompose(fresh -> check(fresh, token, false));
            }
            if (r.statusCode() != 200) {
                return CompletableFuture.completedFuture(false); // 404: not a valid token
            }
            JsonObject t = new JsonObject(r.body()).getJsonObject("token");
            boolean hasRole = t.getJsonArray("roles", new JsonArray()).stream()
                    .anyMatch(x -> settings.requiredRole().equals(((JsonObject) x).getString("name")));
            if (hasRole) {
                if (valid.size() >= MAX_CACHED) {
                    valid.clear();
                }
                Instant expires = Instant.parse(t.getString("expires_at"));
                Instant cap = Instant.now().plus(MAX_CACHE);
                valid.put(token, expires.isBefore(cap) ? expires : cap);
            }
            return CompletableFuture.completedFuture(hasRole);
        });
    }

    /** This service's own token, fetched once and renewed a minute before it expires. */
    private CompletableFuture<ServiceToken> serviceToken() {
        CompletableFuture<ServiceToken> s = service;
        if (s != null && (!s.isDone() || (!s.isCompletedExceptionally()
                && s.join().expires().isAfter(Instant.now().plusSeconds(60))))) {
            return s;
        }
        JsonObject body = new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                        .put("password", new JsonObject().put("user", new JsonObject().put("name", settings.user())
                                .put("domain", new JsonObject().put("name", settings.domain()))
                                .put("password", settings.password()))))
                .put("scope", new JsonObject().put("project", new JsonObject().put("name", settings.project())
                        .put("domain", new JsonObject().put("name", settings.domain())))));
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.url() + "/auth/tokens"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        CompletableFuture<ServiceToken> next = http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 201) {
                LOG.error("Keystone at {} refused the gateway's service credentials (user {}, project {}): HTTP {};"
                        + " check --keystone-user, --keystone-password-file and --keystone-project", settings.url(),
                        settings.user(), settings.project(), r.statusCode());
                throw new IllegalStateException("Keystone refused the gateway's credentials: HTTP " + r.statusCode());
            }
            String token = r.headers().firstValue("X-Subject-Token").orElseThrow(() ->
                    new IllegalStateException("Keystone answered without X-Subject-Token"));
            return new ServiceToken(token, Instant.parse(new JsonObject(r.body()).getJsonObject("token")
                    .getString("expires_at")));
        });
        service = next;
        return next;
    }

    /** Accepts a token either validator accepts: the admin secret first (no network), then Keystone. */
    public static TokenValidator either(TokenValidator first, TokenValidator second) {
        return token -> first.validate(token).compose(ok -> ok ? Future.succeededFuture(true)
                : second.validate(token));
    }
}
