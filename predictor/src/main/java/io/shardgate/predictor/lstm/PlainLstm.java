package io.shardgate.predictor.lstm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The trained network's forward pass in plain Java: one LSTM layer (no peepholes) and a softmax output layer, over
 * weights exported from Deeplearning4j ({@link DlNetworks#export}). A DL4J {@code output()} call costs tens of
 * microseconds of fixed overhead per call and per op, and the policy needs one step per request; this pass costs
 * O(4H x H + H x classes) multiply-adds per step and allocates nothing. {@code PlainLstmTest} checks it against
 * DL4J's own output to 1e-4.
 *
 * <p>Gate layout, as DL4J's {@code LSTM} layer stores it: columns {@code [0,H)} block input (tanh), {@code [H,2H)}
 * forget gate, {@code [2H,3H)} output gate, {@code [3H,4H)} input gate (sigmoids). Inputs are one-hot groups, so
 * the input product is a sum of the rows of the set inputs.
 *
 * <p>Immutable after construction and thread-safe; each stream keeps its own {@link State}.
 */
public final class PlainLstm {
    private static final int MAGIC = 0x53474c31; // "SGL1"
    final int inputs;
    final int hidden;
    final int classes;
    private final float[] wIn;   // [inputs][4H]
    private final float[] wRec;  // [H][4H]
    private final float[] bias;  // [4H]
    private final float[] wOut;  // [H][classes]
    private final float[] bOut;  // [classes]

    PlainLstm(int inputs, int hidden, int classes, float[] wIn, float[] wRec, float[] bias, float[] wOut,
              float[] bOut) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        check(wIn, inputs * 4 * hidden, "input weights");
        check(wRec, hidden * 4 * hidden, "recurrent weights");
        check(bias, 4 * hidden, "gate biases");
        check(wOut, hidden * classes, "output weights");
        check(bOut, classes, "output biases");
        this.wIn = wIn;
        this.wRec = wRec;
        this.bias = bias;
        this.wOut = wOut;
        this.bOut = bOut;
    }

    private static void check(float[] a, int expected, String what) {
        if (a.length != expected) {
            throw new IllegalArgumentException(what + ": " + a.length + " values, expected " + expected);
        }
    }

    /** Number of trained parameters. */
    public long parameters() {
        return (long) wIn.length + wRec.length + bias.length + wOut.length + bOut.length;
    }

    /** One stream's recurrent state plus scratch space; starts at zero like DL4J's. Not thread-safe. */
    public static final class State {
        final float[] h;
        final float[] c;
        final float[] gates;

        State(int hidden) {
            h = new float[hidden];
            c = new float[hidden];
            gates = new float[4 * hidden];
        }
    }

    public State newState() {
        return new State(hidden);
    }

    /**
     * Advances {@code s} by one time step and writes the class probabilities into {@code probs}.
     *
     * @param active the set input indices (one-hot groups), {@code n} of them
     */
    public void step(State s, int[] active, int n, float[] probs) {
        int g4 = 4 * hidden;
        float[] g = s.gates;
        System.arraycopy(bias, 0, g, 0, g4);
        for (int i = 0; i < n; i++) {
            int row = active[i] * g4;
            for (int j = 0; j < g4; j++) {
                g[j] += wIn[row + j];
            }
        }
        float[] h = s.h;
        for (int k = 0; k < hidden; k++) {
            float hk = h[k];
            if (hk != 0f) {
                int row = k * g4;
                for (int j = 0; j < g4; j++) {
                    g[j] += hk * wRec[row + j];
                }
            }
        }
        float[] c = s.c;
        for (int j = 0; j < hidden; j++) {
            float blockIn = (float) Math.tanh(g[j]);
            float forget = sigmoid(g[hidden + j]);
            float out = sigmoid(g[2 * hidden + j]);
            float in = sigmoid(g[3 * hidden + j]);
            c[j] = forget * c[j] + in * blockIn;
            h[j] = out * (float) Math.tanh(c[j]);
        }
        System.arraycopy(bOut, 0, probs, 0, classes);
        for (int k = 0; k < hidden; k++) {
            float hk = h[k];
            int row = k * classes;
            for (int j = 0; j < classes; j++) {
                probs[j] += hk * wOut[row + j];
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, probs[j]);
        }
        float sum = 0;
        for (int j = 0; j < classes; j++) {
            float e = (float) Math.exp(probs[j] - max);
            probs[j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < classes; j++) {
            probs[j] *= inv;
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(inputs);
        out.writeInt(hidden);
        out.writeInt(classes);
        for (float[] a : new float[][] {wIn, wRec, bias, wOut, bOut}) {
            for (float f : a) {
                out.writeFloat(f);
            }
        }
    }

    static PlainLstm read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a ShardGate LSTM weights file (bad magic)");
        }
        int inputs = in.readInt();
        int hidden = in.readInt();
        int classes = in.readInt();
        if (inputs <= 0 || hidden <= 0 || classes <= 0 || (long) inputs * hidden > 50_000_000L
                || (long) hidden * classes > 50_000_000L) {
            throw new IOException("implausible weights shape: inputs " + inputs + ", hidden " + hidden + ", classes "
                    + classes);
        }
        return new PlainLstm(inputs, hidden, classes, floats(in, inputs * 4 * hidden), floats(in, hidden * 4 * hidden),
                floats(in, 4 * hidden), floats(in, hidden * classes), floats(in, classes));
    }

    private static float[] floats(DataInputStream in, int n) throws IOException {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }
}
