package io.shardgate.core.map;

/**
 * A contiguous byte range of one volume, served by exactly one owner.
 *
 * @param startOffset first byte of the range (chunk-aligned)
 * @param length      bytes in the range (&gt; 0; chunk multiple except possibly the last shard)
 * @param owner       id of the owning server
 */
public record Shard(long startOffset, long length, String owner) {
    public long endOffset() {
        return startOffset + length;
    }
}
