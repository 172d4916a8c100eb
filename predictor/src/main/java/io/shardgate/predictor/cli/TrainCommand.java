package io.shardgate.predictor.cli;

import picocli.CommandLine.Command;

/** {@code gateway.jar predict train}: not built yet. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "(not built yet)")
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("predict train: not built yet");
        return 2;
    }
}
