/** Region, spine and server: where shards can be placed and what each server can give. */
package io.shardgate.core.topology;
