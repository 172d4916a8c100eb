/**
 * The LSTM access-pattern model: features ({@link io.shardgate.predictor.lstm.StreamFeatures} over a bounded
 * {@link io.shardgate.predictor.lstm.Vocabulary}), training with Deeplearning4j
 * ({@link io.shardgate.predictor.lstm.Trainer}, {@code predict train}), the model file
 * ({@link io.shardgate.predictor.lstm.ModelFile}), a plain-Java forward pass over the trained weights
 * ({@link io.shardgate.predictor.lstm.PlainLstm}, checked against DL4J) and the {@code lstm} prefetch policy
 * ({@link io.shardgate.predictor.lstm.LstmPolicy}). DL4J is used for training only; inference never loads it.
 */
package io.shardgate.predictor.lstm;
