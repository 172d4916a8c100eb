package io.shardgate.predictor.cli;

import picocli.CommandLine.Command;

/** {@code gateway.jar predict}: traces, prefetch policies, the LSTM. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Evaluate prefetch policies on block traces and train the access-pattern model.",
        subcommands = {EvalCommand.class, TrainCommand.class, ExportCommand.class})
public final class PredictCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
