package io.shardgate.predictor.lstm;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-Java forward pass gives DL4J's own output for the same weights, step by step. */
class PlainLstmTest {
    private static final int INPUTS = 60;
    private static final int HIDDEN = 24;
    private static final int CLASSES = 17;
    private static final int STEPS = 200;

    @Test
    void plainForwardPassEqualsDl4jOutputOverALongSequence() {
        MultiLayerNetwork net = DlNetworks.build(INPUTS, HIDDEN, CLASSES, 20, 0.05, 7);
        Random random = new Random(11);
        // a few updates, so that no weight keeps its initial value (forget-gate bias 1, zero biases elsewhere)
        for (int i = 0; i < 5; i++) {
            int[][] active = randomActive(random, 40);
            net.fit(new DataSet(features(active), labels(random, 40)));
        }
        int[][] active = randomActive(random, STEPS);
        INDArray expected = net.output(features(active)); // [1, classes, steps], zero initial state

        PlainLstm plain = DlNetworks.export(net);
        assertEquals(TrainSettings.parameters(INPUTS, HIDDEN, CLASSES), plain.parameters());
        PlainLstm.State state = plain.newState();
        float[] probs = new float[CLASSES];
        double worst = 0;
        for (int t = 0; t < STEPS; t++) {
            plain.step(state, active[t], active[t].length, probs);
            double sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                worst = Math.max(worst, Math.abs(probs[c] - expected.getDouble(0, c, t)));
                sum += probs[c];
            }
            assertEquals(1.0, sum, 1e-4, "probabilities sum to 1 at step " + t);
        }
        assertTrue(worst < 1e-4, "largest difference from DL4J's output: " + worst);
    }

    /**
     * Why the policy does not call DL4J: one {@code rnnTimeStep} per request (batch of one, the model's default
     * shape: 268 inputs, 64 units, 226 classes) against one plain step. Prints both; asserts only the ordering, which
     * holds by a wide margin (the figures are in docs/predictor.md).
     */
    @Test
    void oneDl4jTimeStepCostsMoreThanOnePlainStep() {
        int inputs = 268;
        int classes = 226;
        MultiLayerNetwork net = DlNetworks.build(inputs, 64, classes, 32, 0.01, 3);
        PlainLstm plain = DlNetworks.export(net);
        INDArray x = Nd4j.zeros(1, inputs, 1);
        int[] active = {5, 230, 260};
        for (int i : active) {
            x.putScalar(new long[] {0, i, 0}, 1.0);
        }
        PlainLstm.State state = plain.newState();
        float[] probs = new float[classes];
        int n = 3000;
        for (int i = 0; i < n; i++) { // warm-up
            net.rnnTimeStep(x);
            plain.step(state, active, 3, probs);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            net.rnnTimeStep(x);
        }
        double dl4jUs = (System.nanoTime() - t0) / 1e3 / n;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            plain.step(state, active, 3, probs);
        }
        double plainUs = (System.nanoTime() - t0) / 1e3 / n;
        // batching across streams amortises DL4J's fixed cost: 64 streams per call
        net.rnnClearPreviousState();
        INDArray batch = Nd4j.zeros(64, inputs, 1);
        for (int r = 0; r < 64; r++) {
            batch.putScalar(new long[] {r, active[r % 3], 0}, 1.0);
        }
        for (int i = 0; i < 200; i++) {
            net.rnnTimeStep(batch);
        }
        t0 = System.nanoTime();
        for (int i = 0; i < 500; i++) {
            net.rnnTimeStep(batch);
        }
        double batchedUs = (System.nanoTime() - t0) / 1e3 / 500 / 64;
        System.out.printf(java.util.Locale.ROOT, "one time step: DL4J rnnTimeStep %.1f us, plain Java %.1f us;"
                + " DL4J batched 64 streams per call %.1f us per stream%n", dl4jUs, plainUs, batchedUs);
        assertTrue(plainUs < dl4jUs, "plain " + plainUs + " us, DL4J " + dl4jUs + " us");
    }

    /** 3 or 4 set inputs per step, one per group, as StreamFeatures produces them. */
    private static int[][] randomActive(Random random, int steps) {
        int[][] a = new int[steps][];
        for (int t = 0; t < steps; t++) {
            int n = random.nextBoolean() ? 3 : 4;
            a[t] = new int[n];
            for (int i = 0; i < n; i++) {
                a[t][i] = i * (INPUTS / 4) + random.nextInt(INPUTS / 4);
            }
        }
        return a;
    }

    private static INDArray features(int[][] active) {
        INDArray x = Nd4j.zeros(1, INPUTS, active.length);
        for (int t = 0; t < active.length; t++) {
            for (int i : active[t]) {
                x.putScalar(new long[] {0, i, t}, 1.0);
            }
        }
        return x;
    }

    private static INDArray labels(Random random, int steps) {
        INDArray y = Nd4j.zeros(1, CLASSES, steps);
        for (int t = 0; t < steps; t++) {
            y.putScalar(new long[] {0, random.nextInt(CLASSES), t}, 1.0);
        }
        return y;
    }
}
