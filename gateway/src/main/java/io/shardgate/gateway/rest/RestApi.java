package io.shardgate.gateway.rest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.core.map.ShardMap;
import io.shardgate.core.plan.Refusal;
import io.shardgate.core.spec.PerformanceSpec;
import io.shardgate.gateway.server.Exports;
import io.shardgate.gateway.volume.ClusterView;
import io.shardgate.gateway.volume.ServerStatus;
import io.shardgate.gateway.volume.VolumeException;
import io.shardgate.gateway.volume.VolumeInfo;
import io.shardgate.gateway.volume.VolumeManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The management API, {@code /v1}, JSON. Every route except {@code /v1/health}, {@code /v1/openapi.json} and
 * {@code /metrics} needs {@code Authorization: Bearer <token>}. Errors are {@code {"error": code, "message": ...}}
 * with a stable code: {@code invalid} (400, with {@code field}), {@code unauthorized} (401), {@code not_found}
 * (404), {@code exists}, {@code refused} (409, with the planner's {@code refusal}), {@code conflict} (409),
 * {@code too_large} (413), {@code unavailable} (503), {@code internal} (500). Handlers never block.
 */
public final class RestApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    static final long MAX_BODY_BYTES = 64 << 10;

    /** The routes, as {@code METHOD path}; the OpenAPI document must describe exactly these. */
    static final List<String> ROUTES = List.of("GET /v1/health", "GET /v1/openapi.json", "GET /metrics",
            "POST /v1/volumes", "GET /v1/volumes", "GET /v1/volumes/{name}", "DELETE /v1/volumes/{name}",
            "POST /v1/volumes/{name}/extend", "GET /v1/volumes/{name}/shards", "GET /v1/volumes/{name}/stats",
            "GET /v1/volumes/{name}/heat",
            "POST /v1/volumes/{name}/snapshots", "GET /v1/volumes/{name}/snapshots",
            "DELETE /v1/volumes/{name}/snapshots/{snapshot}", "POST /v1/volumes/{name}/revert",
            "PUT /v1/volumes/{name}/spec", "POST /v1/volumes/{name}/exports",
            "DELETE /v1/volumes/{name}/exports/{initiator}", "POST /v1/volumes/{name}/reshard", "GET /v1/volumes/{name}/migrations",
            "GET /v1/cluster/servers", "GET /v1/cluster/capacity");

    private final VolumeManager volumes;
    private final ClusterView cluster;
    private final TokenValidator tokens;
    private final PrometheusMeterRegistry registry;
    private final String openApi;
    private final Exports exports;

    /** @param exports connection details and iSCSI access per volume */
    public RestApi(VolumeManager volumes, ClusterView cluster, TokenValidator tokens, PrometheusMeterRegistry registry,
                   Exports exports) {
        this.exports = exports;
        this.volumes = volumes;
        this.cluster = cluster;
        this.tokens = tokens;
        this.registry = registry;
        this.openApi = loadOpenApi();
    }

    static String loadOpenApi() {
        try (InputStream in = RestApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Router router(Vertx vertx) {
        Router r = Router.router(vertx);
        r.get("/v1/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
        r.get("/v1/openapi.json").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(openApi));
        r.get("/metrics").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
        // the body first: authentication may wait for Keystone, and a request body must not arrive unhandled meanwhile
        r.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        r.route("/v1/*").handler(this::authenticate);
        r.post("/v1/volumes").handler(ctx -> reply(ctx, 201,
                call(() -> volumes.create(RequestBodies.createVolume(RequestBodies.object(ctx.body().buffer())))),
                RestApi::volumeJson));
        r.get("/v1/volumes").handler(ctx -> reply(ctx, 200, volumes.list(),
                list -> new JsonObject().put("volumes", new JsonArray(list.stream().map(RestApi::volumeJson).toList()))));
        r.get("/v1/volumes/:name").handler(ctx -> reply(ctx, 200, volumes.get(ctx.pathParam("name")),
                RestApi::volumeJson));
        r.delete("/v1/volumes/:name").handler(ctx -> noContent(ctx, volumes.delete(ctx.pathParam("name"))
                .compose(v -> ctx.vertx().executeBlocking(() -> {
                    exports.forget(ctx.pathParam("name"));
                    return null;
                }, false))));
        r.post("/v1/volumes/:name/exports").handler(ctx -> reply(ctx, 200, call(() -> {
            JsonObject body = RequestBodies.object(ctx.body().buffer());
            String[] export = RequestBodies.export(body);
            String name = ctx.pathParam("name");
            return volumes.get(name).compose(v -> ctx.vertx().executeBlocking(
                    () -> exports.grant(name, export[0], export[1]), false));
        }), j -> j));
        r.delete("/v1/volumes/:name/exports/:initiator").handler(ctx -> noContent(ctx,
                volumes.get(ctx.pathParam("name")).compose(v -> ctx.vertx().executeBlocking(() -> {
                    exports.revoke(ctx.pathParam("name"), ctx.pathParam("initiator"));
                    return null;
                }, false))));
        r.post("/v1/volumes/:name/snapshots").handler(ctx -> reply(ctx, 201, call(() -> volumes.createSnapshot(
                ctx.pathParam("name"), RequestBodies.snapshotName(RequestBodies.object(ctx.body().buffer()), "name"))),
                JsonObject::mapFrom));
        r.get("/v1/volumes/:name/snapshots").handler(ctx -> reply(ctx, 200, volumes.snapshots(ctx.pathParam("name")),
                list -> new JsonObject().put("snapshots", new JsonArray(list.stream().map(JsonObject::mapFrom)
                        .toList()))));
        r.delete("/v1/volumes/:name/snapshots/:snapshot").handler(ctx -> noContent(ctx, volumes.deleteSnapshot(
                ctx.pathParam("name"), ctx.pathParam("snapshot"))));
        r.post("/v1/volumes/:name/revert").handler(ctx -> reply(ctx, 200, call(() -> volumes.revert(
                ctx.pathParam("name"), RequestBodies.snapshotName(RequestBodies.object(ctx.body().buffer()),
                        "snapshot"))), RestApi::volumeJson));
        r.post("/v1/volumes/:name/extend").handler(ctx -> reply(ctx, 200, call(() -> volumes.extend(
                ctx.pathParam("name"), RequestBodies.extendSize(RequestBodies.object(ctx.body().buffer())))),
                RestApi::volumeJson));
        r.get("/v1/volumes/:name/shards").handler(ctx -> reply(ctx, 200, volumes.shardMap(ctx.pathParam("name")),
                RestApi::mapJson));
        r.get("/v1/volumes/:name/stats").handler(ctx -> reply(ctx, 200, cluster.stats(ctx.pathParam("name")),
                JsonObject::mapFrom));
        r.get("/v1/volumes/:name/heat").handler(ctx -> reply(ctx, 200, cluster.heat(ctx.pathParam("name")),
                list -> new JsonObject().put("volume", ctx.pathParam("name")).put("shards",
                        new JsonArray(list.stream().map(RestApi::heatJson).toList()))));
        r.put("/v1/volumes/:name/spec").handler(ctx -> reply(ctx, 200, call(() -> volumes.respec(
                ctx.pathParam("name"), RequestBodies.respec(RequestBodies.object(ctx.body().buffer())))),
                RestApi::volumeJson));
        r.post("/v1/volumes/:name/reshard").handler(ctx -> reply(ctx, 200, call(() -> volumes.reshard(
                ctx.pathParam("name"), RequestBodies.reshard(RequestBodies.object(ctx.body().buffer())))),
                JsonObject::mapFrom));
        r.get("/v1/volumes/:name/migrations").handler(ctx -> reply(ctx, 200, volumes.migrations(ctx.pathParam("name")),
                list -> new JsonObject().put("migrations", new JsonArray(list.stream().map(JsonObject::mapFrom)
                        .toList()))));
        r.get("/v1/cluster/capacity").handler(ctx -> reply(ctx, 200, cluster.storeCapacity()
                        .compose(store -> volumes.list().map(list -> capacityJson(store, list))), j -> j));
        r.get("/v1/cluster/servers").handler(ctx -> reply(ctx, 200, cluster.servers(),
                list -> new JsonObject().put("servers", new JsonArray(list.stream().map(RestApi::serverJson).toList()))));
        r.route().last().handler(ctx -> json(ctx, 404, new JsonObject().put("error", "not_found")
                .put("message", "no route " + ctx.request().method() + " " + ctx.request().path())));
        r.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                json(ctx, 413, new JsonObject().put("error", "too_large").put("message",
                        "request bodies are limited to " + MAX_BODY_BYTES + " bytes"));
            } else if (ctx.statusCode() == 405) {
                json(ctx, 405, new JsonObject().put("error", "method_not_allowed").put("message",
                        ctx.request().method() + " is not allowed on " + ctx.request().path()));
            } else {
                error(ctx, ctx.failure() != null ? ctx.failure() : new IllegalStateException("status " + ctx.statusCode()));
            }
        });
        return r;
    }

    private static void noContent(RoutingContext ctx, Future<Void> done) {
        done.onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().setStatusCode(204).end();
            } else {
                error(ctx, ar.cause());
            }
        });
    }

    private void authenticate(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path.equals("/v1/health") || path.equals("/v1/openapi.json")) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        io.vertx.core.Context here = ctx.vertx().getOrCreateContext();
        // a Keystone answer completes on an HTTP client thread: route on in the request's own context
        tokens.validate(token).onComplete(ar -> here.runOnContext(v -> {
            if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
                ctx.next();
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"shardgate\"");
                json(ctx, 401, new JsonObject().put("error", "unauthorized").put("message", token == null
                        ? "send Authorization: Bearer <token> (the embedded server writes it to DATA_DIR/admin.token)"
                        : "the token is not valid"));
            }
        }));
    }

    /** Runs a call whose argument parsing may throw, turning the throw into a failed future. */
    private static <T> Future<T> call(java.util.function.Supplier<Future<T>> f) {
        try {
            return f.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static <T> void reply(RoutingContext ctx, int status, Future<T> f, Function<T, JsonObject> toJson) {
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, status, toJson.apply(ar.result()));
            } else {
                error(ctx, ar.cause());
            }
        });
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(body.encode());
        }
    }

    static void error(RoutingContext ctx, Throwable e) {
        if (e instanceof BadRequest b) {
            json(ctx, 400, new JsonObject().put("error", "invalid").put("field", b.field()).put("message", b.getMessage()));
        } else if (e instanceof VolumeException v) {
            int status = switch (v.kind()) {
                case NOT_FOUND -> 404;
                case INVALID -> 400;
                case ALREADY_EXISTS, REFUSED, CONFLICT, IN_USE -> 409;
                case UNAVAILABLE -> 503;
            };
            String code = switch (v.kind()) {
                case NOT_FOUND -> "not_found";
                case INVALID -> "invalid";
                case ALREADY_EXISTS -> "exists";
                case REFUSED -> "refused";
                case CONFLICT -> "conflict";
                case IN_USE -> "in_use";
                case UNAVAILABLE -> "unavailable";
            };
            JsonObject body = new JsonObject().put("error", code).put("message", v.getMessage());
            if (v.kind() == VolumeException.Kind.INVALID) {
                body.put("field", "sizeBytes");
            }
            if (v.refusal() != null) {
                body.put("refusal", refusalJson(v.refusal()));
            }
            json(ctx, status, body);
        } else {
            LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), e);
            json(ctx, 500, new JsonObject().put("error", "internal").put("message",
                    "internal error (see the gateway log): " + e));
        }
    }

    static JsonObject refusalJson(Refusal r) {
        JsonArray shortfalls = new JsonArray();
        r.shortfalls().forEach(s -> shortfalls.add(new JsonObject().put("spine", s.spine()).put("resource", s.resource())
                .put("required", s.required()).put("available", s.available()).put("missing", s.missing())));
        return new JsonObject().put("summary", r.summary()).put("shortfalls", shortfalls);
    }

    static JsonObject specJson(PerformanceSpec s) {
        return new JsonObject().put("sizeBytes", s.sizeBytes()).put("iops", s.iops())
                .put("throughputMBps", s.throughputMBps()).put("latencyUs", s.latencyUs())
                .put("workload", s.workload().id());
    }

    static JsonObject volumeJson(VolumeInfo v) {
        return new JsonObject().put("name", v.name()).put("sizeBytes", v.sizeBytes()).put("spec", specJson(v.spec()))
                .put("fallbackUsed", v.fallbackUsed()).put("spine", v.spine()).put("mapVersion", v.mapVersion())
                .put("shardCount", v.shardCount()).put("createdAtMs", v.createdAtMs());
    }

    static JsonObject mapJson(ShardMap m) {
        JsonArray shards = new JsonArray();
        m.shards().forEach(s -> shards.add(new JsonObject().put("start", s.startOffset()).put("length", s.length())
                .put("owner", s.owner())));
        return new JsonObject().put("volume", m.volume()).put("version", m.version()).put("spine", m.spine())
                .put("sizeBytes", m.sizeBytes()).put("chunkSize", m.chunkSize()).put("shards", shards);
    }

    static JsonObject serverJson(ServerStatus s) {
        var c = s.server().capacity();
        return new JsonObject().put("id", s.server().id()).put("region", s.server().region())
                .put("spine", s.server().spine()).put("alive", s.alive())
                .put("capacity", new JsonObject().put("iops", c.iops()).put("bandwidthMBps", c.bandwidthMBps())
                        .put("ramBytes", c.ramBytes()).put("nvmeBytes", c.nvmeBytes()))
                .put("reserved", new JsonObject().put("iops", s.reserved().iops())
                        .put("bandwidthMBps", s.reserved().bandwidthMBps()))
                .put("opsPerSec", s.opsPerSec()).put("bytesPerSec", s.bytesPerSec()).put("ownedShards", s.ownedShards());
    }

    static JsonObject heatJson(io.shardgate.core.reshard.ShardLoad l) {
        return new JsonObject().put("shard", l.shardIndex()).put("mapVersion", l.mapVersion())
                .put("opsPerSec", l.opsPerSec()).put("predictedOpsPerSec", l.predictedOpsPerSec())
                .put("heatOpsPerSec", l.heatOpsPerSec())
                .put("chunkOps", new JsonArray(java.util.Arrays.stream(l.chunkOps()).boxed().toList()))
                .put("predictedChunkOps", new JsonArray(java.util.Arrays.stream(l.predictedChunkOps()).boxed()
                        .toList()));
    }

    static JsonObject capacityJson(java.util.Optional<io.shardgate.gateway.store.StoreCapacity> store,
                                   List<VolumeInfo> volumes) {
        long provisioned = volumes.stream().mapToLong(VolumeInfo::sizeBytes).sum();
        JsonObject j = new JsonObject().put("provisionedBytes", provisioned).put("volumes", volumes.size());
        store.ifPresent(c -> j.put("store", new JsonObject().put("totalBytes", c.totalBytes())
                .put("usedBytes", c.usedBytes()).put("availableBytes", c.availableBytes())));
        return j;
    }
}
