package io.shardgate.gateway.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CLI's connection to the REST API (a picocli mixin): {@code --url}, {@code --token}, {@code --token-file}.
 * Without a token and for a local URL, the token is read from {@code --token-file}, else
 * {@code $SHARDGATE_DATA_DIR/admin.token}, else {@code ./data/admin.token}.
 */
final class ApiClient {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "gateway REST URL (default ${DEFAULT-VALUE})")
    String url;
    @Option(names = "--token", description = "bearer token (default: the local admin.token file)")
    String token;
    @Option(names = "--token-file", description = "file holding the bearer token")
    Path tokenFile;

    /** A reply: status and JSON body (an empty object when there was none). */
    record Reply(int status, JsonObject body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private String resolveToken() throws IOException {
        if (token != null) {
            return token;
        }
        if (tokenFile != null) {
            return Files.readString(tokenFile).trim();
        }
        URI u = URI.create(url);
        if (u.getHost() == null || !InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
            throw new IOException("--token is needed for the non-local gateway " + url);
        }
        String dir = System.getenv("SHARDGATE_DATA_DIR");
        Path f = dir != null ? Path.of(dir, "admin.token") : Path.of("data", "admin.token");
        if (!Files.exists(f)) {
            throw new IOException("no --token given and no token file at " + f.toAbsolutePath()
                    + " (set --token-file or SHARDGATE_DATA_DIR to the gateway's data directory)");
        }
        return Files.readString(f).trim();
    }

    Reply send(String method, String path, JsonObject body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + resolveToken())
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build()
                    .send(b.build(), HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            return new Reply(r.statusCode(), text == null || text.isBlank() ? new JsonObject() : new JsonObject(text));
        } catch (ConnectException e) {
            throw new IOException("cannot reach the gateway at " + url + " (is `gateway.jar serve` running?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
