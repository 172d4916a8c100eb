package io.shardgate.openstack.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code openstack}: the OpenStack tooling. */
@Command(name = "openstack", mixinStandardHelpOptions = true,
        description = "OpenStack tooling: performance tiers as Cinder volume types.",
        subcommands = {OpenStackCommand.Tiers.class})
public final class OpenStackCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code openstack tiers}. */
    @Command(name = "tiers", mixinStandardHelpOptions = true,
            description = "Performance tiers: one Cinder volume type (sharding: extra specs) and back-end QoS spec "
                    + "per tier.",
            subcommands = {TiersApplyCommand.class})
    public static final class Tiers implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }
}
