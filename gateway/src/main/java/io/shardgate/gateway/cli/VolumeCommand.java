package io.shardgate.gateway.cli;

import picocli.CommandLine.Command;

/** {@code gateway.jar volume}: not built yet. */
@Command(name = "volume", mixinStandardHelpOptions = true, description = "(not built yet)")
public final class VolumeCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("volume: not built yet");
        return 2;
    }
}
