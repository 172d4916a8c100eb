/** The prefetch policy SPI and its baselines. */
package io.shardgate.predictor.policy;
