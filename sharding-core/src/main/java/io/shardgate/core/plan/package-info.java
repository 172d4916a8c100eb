/** Turning a performance spec into a shard plan placed inside one spine, or a structured refusal. */
package io.shardgate.core.plan;
