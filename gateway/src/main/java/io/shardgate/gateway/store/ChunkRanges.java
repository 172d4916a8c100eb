package io.shardgate.gateway.store;

/** Argument checks shared by the stores: a range must lie inside one chunk. */
final class ChunkRanges {
    private ChunkRanges() {
    }

    static void check(int chunkSize, String volume, long chunk, int offset, int length) {
        if (volume == null || volume.isEmpty() || volume.indexOf('/') >= 0 || volume.startsWith(".")) {
            throw new IllegalArgumentException("bad volume name '" + volume + "'");
        }
        if (chunk < 0) {
            throw new IllegalArgumentException("chunk index must be >= 0, was " + chunk);
        }
        if (offset < 0 || length < 0 || (long) offset + length > chunkSize) {
            throw new IllegalArgumentException("range [" + offset + ", " + ((long) offset + length)
                    + ") is outside a chunk of " + chunkSize + " bytes");
        }
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.contains("..") || key.startsWith("/") || key.contains("\0")) {
            throw new IllegalArgumentException("bad metadata key '" + key + "'");
        }
    }
}
