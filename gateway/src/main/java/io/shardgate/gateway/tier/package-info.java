/** Cache tiers in front of the durable store: off-heap RAM and an NVMe file. */
package io.shardgate.gateway.tier;
