/** The trace-replay evaluator: LRU RAM cache with an NVMe victim tier, prefetch policies, and their figures. */
package io.shardgate.predictor.eval;
