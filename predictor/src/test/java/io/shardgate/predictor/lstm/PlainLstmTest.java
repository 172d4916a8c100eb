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
