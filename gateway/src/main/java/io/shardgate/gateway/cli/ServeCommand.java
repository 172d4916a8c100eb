package io.shardgate.gateway.cli;

import picocli.CommandLine.Command;

/** {@code gateway.jar serve}: not built yet. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "(not built yet)")
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("serve: not built yet");
        return 2;
    }
}
