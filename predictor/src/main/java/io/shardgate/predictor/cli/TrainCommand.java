package io.shardgate.predictor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shardgate.predictor.lstm.ModelInfo;
import io.shardgate.predictor.lstm.TrainSettings;
import io.shardgate.predictor.lstm.Trainer;
import io.shardgate.predictor.trace.TraceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gateway.jar predict train}: trains the LSTM access-pattern model on block traces. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains the LSTM access-pattern model (Deeplearning4j) on the train split of each trace and"
                + " stops early on the validation split (split by request count in file order, as predict eval"
                + " does; the test split is never read). Writes a model file (zip) with the workload type, the"
                + " vocabulary, the weights and the training figures, for predict eval --policies lstm --model FILE.",
                "Features per request: its class (which recent request it continues, a frequent far gap, or the"
                        + " block that followed last time), its length and the successor table's hint. Long traces"
                        + " are capped to the most recent --max-requests train requests. Progress goes to stderr."
                        + " Native threads: --threads (also set OMP_NUM_THREADS on a shared machine)."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--trace", required = true, arity = "1..*", description = "training trace file(s)")
    List<Path> traces;
    @Option(names = "--format", description = "trace format, when detection is not wanted")
    String format;
    @Option(names = "--workload", required = true, description = "workload type recorded in the model (database, vdi, general, ...)")
    String workload;
    @Option(names = "--out", required = true, description = "model file to write (zip)")
    Path out;
    @Option(names = "--split", split = ",", defaultValue = "0.6,0.1,0.3",
            description = "train,validation,test shares by request count (default ${DEFAULT-VALUE})")
    List<Double> split;
    @Option(names = "--max-requests", defaultValue = "150000",
            description = "train on at most this many (most recent) train requests per trace (default ${DEFAULT-VALUE})")
    long maxRequests;
    @Option(names = "--epochs", defaultValue = "20", description = "maximum epochs (default ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--patience", defaultValue = "3",
            description = "stop after this many epochs without a better validation loss (default ${DEFAULT-VALUE})")
    int patience;
    @Option(names = "--hidden", defaultValue = "64", description = "LSTM units (default ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--window", defaultValue = "32", description = "truncated BPTT length, steps (default ${DEFAULT-VALUE})")
    int window;
    @Option(names = "--segment", defaultValue = "512",
            description = "steps per training row, a multiple of --window (default ${DEFAULT-VALUE})")
    int segment;
    @Option(names = "--batch", defaultValue = "32", description = "rows per minibatch (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--far-gaps", defaultValue = "192",
            description = "frequent far gaps in the output vocabulary (default ${DEFAULT-VALUE})")
    int farGaps;
    @Option(names = "--learning-rate", defaultValue = "0.005", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--min-probability", defaultValue = "0.25",
            description = "the policy prefetches a predicted request only at this probability or more (default ${DEFAULT-VALUE})")
    double minProbability;
    @Option(names = "--max-predictions", defaultValue = "2",
            description = "the policy prefetches at most this many predicted requests per request (default ${DEFAULT-VALUE})")
    int maxPredictions;
    @Option(names = "--lookahead", defaultValue = "1",
            description = "requests' worth of blocks prefetched per predicted request, 1 or 2 (default ${DEFAULT-VALUE})")
    int lookahead;
    @Option(names = "--min-blocks", defaultValue = "1",
            description = "least blocks prefetched per predicted request, 1..64 (default ${DEFAULT-VALUE})")
    int minBlocks;
    @Option(names = "--run-probability", defaultValue = "0.5",
            description = "the policy prefetches the remainder of the current sequential run when the model gives the"
                    + " run's continuation at least this probability (default ${DEFAULT-VALUE})")
    double runProbability;
    @Option(names = "--run-blocks", defaultValue = "64",
            description = "most blocks of a run's remainder prefetched per request, 0..1024, 0 = never (default ${DEFAULT-VALUE})")
    int runBlocks;
    @Option(names = "--run-share", defaultValue = "1",
            description = "the run's remainder as a share of the blocks the run has covered so far, (0, 4] (default ${DEFAULT-VALUE})")
    double runShare;
    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--threads", defaultValue = "1", description = "native threads for DL4J (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--no-tune", description = "keep --min-probability, --max-predictions, --lookahead, --min-blocks,"
            + " --run-probability and --run-share instead of choosing them on the validation split (a grid of 2 x 2 x"
            + " 10 evaluator replays of it: lookahead 1, min blocks 1, no run remainder or one of 3 x 3 run settings of"
            + " at most --run-blocks)")
    boolean noTune;
    @Option(names = "--json", description = "print the model's description as JSON instead of a summary")
    boolean json;

    @Override
    public Integer call() throws Exception {
        TrainSettings settings;
        try {
            if (split.size() != 3) {
                throw new IllegalArgumentException("--split takes three shares: train,validation,test");
            }
            settings = new TrainSettings(traces, format == null ? null : TraceFormat.parse(format), workload,
                    split.get(0), split.get(1), maxRequests, farGaps, hidden, window, segment, batch, epochs, patience,
                    learningRate, minProbability, maxPredictions, lookahead, minBlocks, runProbability, runBlocks, runShare,
                    seed, threads,
                    !noTune);
        } catch (IllegalArgumentException e) {
            System.err.println("predict train: " + e.getMessage());
            return 2;
        }
        ModelInfo info;
        try {
            info = new Trainer(settings, System.err::println).trainTo(out).info();
        } catch (IllegalArgumentException | java.io.IOException e) {
            // a missing or malformed trace, too few requests: the message names the file and what is wrong
            System.err.println("predict train: " + e.getMessage());
            return 1;
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        } else {
            ModelInfo.Training t = info.training();
            System.out.printf(Locale.ROOT, "%s: workload %s, %d classes, %d units, %,d parameters; %d epochs (best %d),"
                            + " validation loss %.4f; validation top-1 %.4f (gap %.4f, successor %.4f); %.0f s; prefetch: %s%n", out,
                    info.workload(), info.classes(), info.hidden(), info.parameters(), t.epochsRun(), t.bestEpoch(),
                    t.validationLoss().get(t.bestEpoch() - 1), t.validationTop1(), t.validationTop1Gap(),
                    t.validationTop1Successor(), t.seconds(), info.describePrefetch());
        }
        return 0;
    }
}
