/** The LSTM access-pattern model: features, training, fast batched inference, the {@code lstm} policy. */
package io.shardgate.predictor.lstm;
