package io.shardgate.gateway.cli;

import io.shardgate.openstack.cli.OpenStackCommand;
import io.shardgate.predictor.cli.PredictCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gateway.jar}: the ShardGate command-line tool. */
@Command(name = "gateway.jar", mixinStandardHelpOptions = true, version = "ShardGate 0.1.0",
        description = "ShardGate: sharded block volumes for OpenStack, durable in Ceph RADOS.",
        subcommands = {PlanCommand.class, ServeCommand.class, VolumeCommand.class, PredictCommand.class,
                OpenStackCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
