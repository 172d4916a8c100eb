/** The re-shard planner: splits hot shards at their load median, moves shards off overloaded servers, merges cold ones. */
package io.shardgate.core.reshard;
