/** The single-node engine: volumes served from the durable store, the volume manager, their metrics. */
package io.shardgate.gateway.engine;
