package io.shardgate.gateway.cli;

import picocli.CommandLine.Command;

/** {@code gateway.jar plan}: not built yet. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "(not built yet)")
public final class PlanCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("plan: not built yet");
        return 2;
    }
}
