package io.shardgate.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gateway.jar volume}: the command-line client of the REST API. Exit 0 ok, 1 refused or failed, 2 usage. */
@Command(name = "volume", mixinStandardHelpOptions = true,
        description = "Create, list, show, extend and delete volumes; shard heat; snapshots, revert, re-sharding.",
        subcommands = {VolumeCommand.Create.class, VolumeCommand.ListVolumes.class, VolumeCommand.Show.class,
                VolumeCommand.Heat.class, VolumeCommand.Extend.class, VolumeCommand.Delete.class, SnapshotCommand.class,
                SnapshotCommand.Revert.class, ReshardCommand.Reshard.class, ReshardCommand.History.class})
public final class VolumeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every subcommand shares: the API connection, --json, and the reply handling. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ApiClient api;
        @Option(names = "--json", description = "print the API's JSON instead of text")
        boolean json;

        abstract ApiClient.Reply request() throws IOException;

        abstract void print(PrintStream out, JsonObject body);

        @Override
        public Integer call() {
            ApiClient.Reply r;
            try {
                r = request();
            } catch (IllegalArgumentException e) {
                System.err.println("volume: " + e.getMessage());
                return 2;
            } catch (IOException e) {
                System.err.println("volume: " + e.getMessage());
                return 1;
            }
            if (json) {
                System.out.println(r.body().encodePrettily());
            } else if (r.ok()) {
                print(System.out, r.body());
            } else {
                printError(r);
            }
            return r.ok() ? 0 : 1;
        }

        private static void printError(ApiClient.Reply r) {
            JsonObject b = r.body();
            System.err.println("error " + r.status() + " (" + b.getString("error", "?") + "): "
                    + b.getString("message", ""));
            JsonObject refusal = b.getJsonObject("refusal");
            if (refusal != null) {
                for (Object o : refusal.getJsonArray("shortfalls", new JsonArray())) {
                    JsonObject s = (JsonObject) o;
                    System.err.printf(Locale.ROOT, "  %s: %s required %.0f, available %.0f, short %.0f%n",
                            s.getString("spine"), s.getString("resource"), s.getDouble("required"),
                            s.getDouble("available"), s.getDouble("missing"));
                }
            }
        }
    }

    static void printVolume(PrintStream out, JsonObject v) {
        JsonObject s = v.getJsonObject("spec");
        out.printf(Locale.ROOT, "name:        %s%nsize:        %,d bytes%nspec:        %d IOPS, %.1f MB/s, %d us, %s%n"
                        + "fallback:    %s%nspine:       %s%nshards:      %d (map version %d)%nnbd:         "
                        + "nbd://HOST:10809/%s%n",
                v.getString("name"), v.getLong("sizeBytes"), s.getLong("iops"), s.getDouble("throughputMBps"),
                s.getLong("latencyUs"), s.getString("workload"),
                v.getInteger("fallbackUsed") == 0 ? "none (the requested spec)" : "#" + v.getInteger("fallbackUsed"),
                v.getString("spine"), v.getInteger("shardCount"), v.getLong("mapVersion"), v.getString("name"));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a volume from a performance spec.")
    static final class Create extends Base {
        @Option(names = "--name", required = true, description = "volume name ([A-Za-z0-9._-], up to 128)")
        String name;
        @Option(names = "--size", required = true, description = "size: bytes or with K, M, G, T (binary)")
        String size;
        @Option(names = "--iops", required = true, description = "guaranteed IOPS")
        long iops;
        @Option(names = "--throughput", defaultValue = "0", description = "guaranteed throughput, MB/s")
        double throughput;
        @Option(names = "--latency-us", defaultValue = "0", description = "latency target, microseconds")
        long latencyUs;
        @Option(names = "--workload", defaultValue = "general",
                description = "database, vdi, video, scientific or general (default ${DEFAULT-VALUE})")
        String workload;
        @Option(names = "--client-spine", description = "the client's spine, preferred when it can meet the spec")
        String clientSpine;
        @Option(names = "--fallback", description = "a fallback spec, e.g. iops=5000,throughput=100 (repeatable, in order)")
        List<String> fallbacks = new ArrayList<>();
        @Option(names = "--source", paramLabel = "VOLUME[@SNAPSHOT]",
                description = "start from a snapshot, or clone a live volume (no data is copied up front)")
        String source;

        @Override
        ApiClient.Reply request() throws IOException {
            JsonObject body = new JsonObject().put("name", name).put("sizeBytes", Sizes.parse(size)).put("iops", iops)
                    .put("throughputMBps", throughput).put("latencyUs", latencyUs).put("workload", workload);
            if (clientSpine != null) {
                body.put("clientSpine", clientSpine);
            }
            if (!fallbacks.isEmpty()) {
                JsonArray arr = new JsonArray();
                for (String f : fallbacks) {
                    arr.add(fallback(f));
                }
                body.put("fallbacks", arr);
            }
            if (source != null) {
                int at = source.indexOf('@');
                body.put("source", at < 0 ? new JsonObject().put("volume", source)
                        : new JsonObject().put("volume", source.substring(0, at)).put("snapshot",
                                source.substring(at + 1)));
            }
            return api.send("POST", "/v1/volumes", body);
        }

        static JsonObject fallback(String text) {
            JsonObject o = new JsonObject();
            for (String kv : text.split(",")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2) {
                    throw new IllegalArgumentException("--fallback takes key=value pairs, e.g. iops=5000,throughput=100");
                }
                try {
                    switch (p[0].trim()) {
                        case "iops" -> o.put("iops", Long.parseLong(p[1].trim()));
                        case "throughput" -> o.put("throughputMBps", Double.parseDouble(p[1].trim()));
                        case "latency-us" -> o.put("latencyUs", Long.parseLong(p[1].trim()));
                        case "workload" -> o.put("workload", p[1].trim());
                        default -> throw new IllegalArgumentException("--fallback: unknown key '" + p[0]
                                + "' (iops, throughput, latency-us, workload)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--fallback: '" + p[1] + "' is not a number");
                }
            }
            return o;
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.println("created");
            printVolume(out, body);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List volumes.")
    static final class ListVolumes extends Base {
        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("GET", "/v1/volumes", null);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.printf(Locale.ROOT, "%-24s %16s %9s %9s %-10s %-12s %6s%n", "NAME", "SIZE", "IOPS", "MB/s", "WORKLOAD",
                    "SPINE", "SHARDS");
            for (Object o : body.getJsonArray("volumes", new JsonArray())) {
                JsonObject v = (JsonObject) o;
                JsonObject s = v.getJsonObject("spec");
                out.printf(Locale.ROOT, "%-24s %16d %9d %9.1f %-10s %-12s %6d%n", v.getString("name"),
                        v.getLong("sizeBytes"), s.getLong("iops"), s.getDouble("throughputMBps"),
                        s.getString("workload"), v.getString("spine"), v.getInteger("shardCount"));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a volume and its shards.")
    static final class Show extends Base {
        @Parameters(index = "0", description = "volume name")
        String name;

        @Override
        ApiClient.Reply request() throws IOException {
            ApiClient.Reply v = api.send("GET", "/v1/volumes/" + name, null);
            if (!v.ok()) {
                return v;
            }
            ApiClient.Reply shards = api.send("GET", "/v1/volumes/" + name + "/shards", null);
            return new ApiClient.Reply(shards.ok() ? 200 : shards.status(),
                    shards.ok() ? v.body().put("shardMap", shards.body()) : shards.body());
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            printVolume(out, body);
            out.printf(Locale.ROOT, "%-6s %16s %16s  %s%n", "SHARD", "START", "LENGTH", "OWNER");
            JsonArray shards = body.getJsonObject("shardMap").getJsonArray("shards");
            for (int i = 0; i < shards.size(); i++) {
                JsonObject s = shards.getJsonObject(i);
                out.printf(Locale.ROOT, "%-6d %16d %16d  %s%n", i, s.getLong("start"), s.getLong("length"),
                        s.getString("owner"));
            }
        }
    }

    @Command(name = "heat", mixinStandardHelpOptions = true,
            description = "Measured and predicted load of each shard (from the owners' latest load reports).")
    static final class Heat extends Base {
        @Parameters(index = "0", description = "volume name")
        String name;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("GET", "/v1/volumes/" + name + "/heat", null);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.printf(Locale.ROOT, "%-6s %12s %14s %12s  %s%n", "SHARD", "OPS/S", "PREDICTED/S", "HEAT/S",
                    "HOTTEST PREDICTED CHUNK");
            for (Object o : body.getJsonArray("shards")) {
                JsonObject s = (JsonObject) o;
                JsonArray predicted = s.getJsonArray("predictedChunkOps");
                int hottest = -1;
                for (int c = 0; c < predicted.size(); c++) {
                    if (predicted.getLong(c) > 0 && (hottest < 0 || predicted.getLong(c) > predicted.getLong(hottest))) {
                        hottest = c;
                    }
                }
                out.printf(Locale.ROOT, "%-6d %12.1f %14.1f %12.1f  %s%n", s.getInteger("shard"),
                        s.getDouble("opsPerSec"), s.getDouble("predictedOpsPerSec"), s.getDouble("heatOpsPerSec"),
                        hottest < 0 ? "-" : "#" + hottest + " of the shard (" + predicted.getLong(hottest) + ")");
            }
        }
    }

    @Command(name = "extend", mixinStandardHelpOptions = true, description = "Grow a volume online.")
    static final class Extend extends Base {
        @Parameters(index = "0", description = "volume name")
        String name;
        @Option(names = "--size", required = true, description = "the new size: bytes or with K, M, G, T")
        String size;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("POST", "/v1/volumes/" + name + "/extend", new JsonObject().put("sizeBytes", Sizes.parse(size)));
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.println("extended");
            printVolume(out, body);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a volume and its data.")
    static final class Delete extends Base {
        @Parameters(index = "0", description = "volume name")
        String name;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("DELETE", "/v1/volumes/" + name, null);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            out.println("deleted " + name);
        }
    }
}
