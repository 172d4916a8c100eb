package io.shardgate.gateway.iscsi;

/**
 * Limits the target advertises in the Block Limits VPD page and enforces on commands, in 512-byte logical blocks.
 *
 * @param maxTransferBlocks  largest READ/WRITE/VERIFY of one command
 * @param granularityBlocks  the volume's block size in logical blocks (optimal and unmap granularity)
 */
record ScsiLimits(int maxTransferBlocks, int granularityBlocks) {
    /** COMPARE AND WRITE of at most this many blocks (the field is one byte). */
    static final int MAX_COMPARE_AND_WRITE_BLOCKS = 128;
    /** UNMAP: blocks per command (256 MiB) and descriptors per command. */
    static final int MAX_UNMAP_BLOCKS = 1 << 19;
    static final int MAX_UNMAP_DESCRIPTORS = 256;
    /** WRITE SAME: blocks per command (16 MiB). */
    static final long MAX_WRITE_SAME_BLOCKS = 1 << 15;
}
