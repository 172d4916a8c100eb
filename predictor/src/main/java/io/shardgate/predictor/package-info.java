/** The access-pattern predictor: trace readers, prefetch policies, the LSTM, the trace-replay evaluator. */
package io.shardgate.predictor;
