/**
 * The owner's prefetcher and access recorder: accesses handed off from the I/O path without locks, recorded to
 * rotating trace files and fed to a prefetch policy whose predicted blocks are loaded into the tiers within a budget.
 */
package io.shardgate.gateway.prefetch;
