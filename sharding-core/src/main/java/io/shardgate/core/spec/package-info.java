/** Performance specs: what a volume is guaranteed (IOPS, throughput, latency, size, workload type, fallbacks). */
package io.shardgate.core.spec;
