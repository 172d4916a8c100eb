package io.shardgate.predictor.cli;

import picocli.CommandLine.Command;

/** {@code gateway.jar predict eval}: not built yet. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "(not built yet)")
public final class EvalCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("predict eval: not built yet");
        return 2;
    }
}
