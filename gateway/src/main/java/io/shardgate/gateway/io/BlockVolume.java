package io.shardgate.gateway.io;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * One volume as the front ends (NBD, iSCSI) see it: a byte-addressed block device.
 *
 * <p>Contract, for every implementation (the router, the in-memory volume):
 * <ul>
 *   <li>Methods may be called from any event loop and return at once; completion comes through the
 *       returned {@link Future}. Implementations never block the calling thread.</li>
 *   <li>Offsets and lengths are in bytes. A request outside {@code [0, sizeBytes())} fails with
 *       {@link VolumeIoException} of kind {@link VolumeIoException.Kind#OUT_OF_RANGE} and changes nothing.</li>
 *   <li>A completed {@link #write} is durable (rule 3 of the architecture); {@code fua} is therefore always
 *       honoured. {@link #flush} completes when every write completed before it is durable.</li>
 *   <li>{@link #read} returns a new buffer owned by the caller, exactly {@code length} bytes. The caller keeps
 *       ownership of the buffer passed to {@link #write} and must not change it before the future completes.</li>
 *   <li>Concurrent requests to overlapping ranges complete in an unspecified order, as on a disk.</li>
 * </ul>
 */
public interface BlockVolume {

    /** The export name: the volume's name. */
    String name();

    /** Current size in bytes (grows when the volume is extended). */
    long sizeBytes();

    /** Smallest I/O unit the volume prefers, in bytes (a power of two, typically 4096). */
    int blockSize();

    Future<Buffer> read(long offset, int length);

    Future<Void> write(long offset, Buffer data, boolean fua);

    Future<Void> flush();

    /** Discards a range: later reads return zeroes. */
    Future<Void> trim(long offset, long length);

    /** Writes zeroes over a range. */
    Future<Void> writeZeroes(long offset, long length, boolean fua);
}
