package io.shardgate.gateway.store;

import java.util.concurrent.CompletionStage;

/**
 * Asynchronous chunk reads and writes, offered by stores whose client library has them (RADOS): the caller needs no
 * worker thread per request in flight. Same contract as {@link DurableStore#read} and {@link DurableStore#write}:
 * unwritten bytes read as zeroes, a completed write is durable, bad ranges fail and change nothing. Completions run
 * on the library's threads: keep them short. The arrays must not be touched until the stage completes.
 */
public interface AsyncChunkIo {

    CompletionStage<Void> readAsync(String volume, long chunk, int offset, byte[] dst, int dstOffset, int length);

    CompletionStage<Void> writeAsync(String volume, long chunk, int offset, byte[] src, int srcOffset, int length);
}
