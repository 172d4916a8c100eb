package io.shardgate.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/** {@code gateway.jar volume reshard} and {@code volume migrations}: re-sharding over the REST API. */
final class ReshardCommand {
    private ReshardCommand() {
    }

    static void printMigration(PrintStream out, JsonObject m) {
        out.printf(Locale.ROOT, "%-20s %-6s shard %-3d %s -> %s  map v%d -> v%d  pause %d ms  %s (%s)%n",
                m.getString("id"), m.getString("kind"), m.getInteger("shard"), m.getString("from"), m.getString("to"),
                m.getLong("fromVersion"), m.getLong("toVersion"), m.getLong("pauseMs"), m.getString("state"),
                m.getString("reason"));
    }

    @Command(name = "reshard", mixinStandardHelpOptions = true,
            description = "Split, move or merge a shard while I/O runs, or run the re-shard planner now (cluster).")
    static final class Reshard extends VolumeCommand.Base {
        @Parameters(index = "0", description = "volume name")
        String volume;
        @Option(names = "--action", required = true, description = "split, move, merge or auto")
        String action;
        @Option(names = "--shard", description = "shard index (see volume show); required except for auto")
        Integer shard;
        @Option(names = "--at", description = "split point (bytes or K/M/G), rounded down to a chunk;"
                + " default: the shard's load median")
        String at;
        @Option(names = "--to", description = "server receiving the shard or the split-off part;"
                + " default: the least-loaded other server of the spine")
        String to;

        @Override
        ApiClient.Reply request() throws IOException {
            JsonObject body = new JsonObject().put("action", action);
            if (shard != null) {
                body.put("shard", shard);
            }
            if (at != null) {
                body.put("atOffset", Sizes.parse(at));
            }
            if (to != null) {
                body.put("to", to);
            }
            return api.send("POST", "/v1/volumes/" + volume + "/reshard", body);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            printMigration(out, body);
        }
    }

    @Command(name = "migrations", mixinStandardHelpOptions = true, description = "A volume's re-sharding history.")
    static final class History extends VolumeCommand.Base {
        @Parameters(index = "0", description = "volume name")
        String volume;

        @Override
        ApiClient.Reply request() throws IOException {
            return api.send("GET", "/v1/volumes/" + volume + "/migrations", null);
        }

        @Override
        void print(PrintStream out, JsonObject body) {
            JsonArray all = body.getJsonArray("migrations", new JsonArray());
            if (all.isEmpty()) {
                out.println("no migrations");
            }
            for (Object o : all) {
                printMigration(out, (JsonObject) o);
            }
        }
    }
}
