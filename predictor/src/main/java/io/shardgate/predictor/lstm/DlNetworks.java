package io.shardgate.predictor.lstm;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Deeplearning4j side: the network's shape for training, and the export of its weights to {@link PlainLstm}. */
final class DlNetworks {
    private DlNetworks() {
    }

    /**
     * One LSTM layer and a softmax output over the classes, trained with truncated BPTT of {@code window} steps.
     */
    static MultiLayerNetwork build(int inputs, int hidden, int classes, int window, double learningRate, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER)
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(1.0)
                .list()
                .layer(new LSTM.Builder().nIn(inputs).nOut(hidden).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(hidden).nOut(classes).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(window).tBPTTBackwardLength(window)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Copies the trained weights of a network made by {@link #build} into a plain-Java forward pass. */
    static PlainLstm export(MultiLayerNetwork net) {
        int inputs = (int) net.getLayer(0).getParam("W").size(0);
        int hidden = (int) net.getLayer(0).getParam("RW").size(0);
        int classes = (int) net.getLayer(1).getParam("W").size(1);
        return new PlainLstm(inputs, hidden, classes, floats(net, 0, "W"), floats(net, 0, "RW"), floats(net, 0, "b"),
                floats(net, 1, "W"), floats(net, 1, "b"));
    }

    private static float[] floats(MultiLayerNetwork net, int layer, String key) {
        return Nd4j.toFlattened('c', net.getLayer(layer).getParam(key)).toFloatVector();
    }
}
