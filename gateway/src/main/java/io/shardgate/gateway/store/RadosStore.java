package io.shardgate.gateway.store;

import com.ceph.rados.IoCTX;
import com.ceph.rados.Rados;
import com.ceph.rados.exceptions.RadosException;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Ceph RADOS through rados-java (JNA over Debian's {@code librados2}).
 * <ul>
 *   <li>Chunks: object {@code <volume>.<chunk index as 16 hex digits>} in the pool's default namespace, as RBD
 *       names its data objects; created on first write, sparse. A write returns when librados acknowledges it,
 *       i.e. when it is durable on every replica of the pool.</li>
 *   <li>Metadata: objects named by key in the namespace {@code shardgate.meta}, replaced whole with
 *       {@code write_full} (atomic per object), listed from that namespace alone.</li>
 * </ul>
 * rados-java calls are synchronous JNA calls: every method blocks, and callers run them on a bounded worker pool.
 * librados I/O contexts are thread-safe, so one context per namespace is shared.
 */
public final class RadosStore implements DurableStore, AsyncChunkIo {
    static final String META_NAMESPACE = "shardgate.meta";
    private static final int ENOENT = -2;

    private final Rados rados;
    private final IoCTX data;
    private final IoCTX meta;
    private final int chunkSize;

    /**
     * Connects to the cluster.
     *
     * @param confFile  ceph.conf (monitor addresses, keyring)
     * @param clientId  cephx client id without {@code client.} (e.g. {@code admin})
     * @param pool      the pool for chunks and metadata
     * @param chunkSize chunk size, a power of two (4 MiB as RBD by default)
     * @throws IOException when librados is missing or the cluster cannot be reached, saying which
     */
    public RadosStore(File confFile, String clientId, String pool, int chunkSize) throws IOException {
        if (chunkSize <= 0 || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two, was " + chunkSize);
        }
        this.chunkSize = chunkSize;
        try {
            rados = new Rados(clientId);
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("librados is not loadable (" + e.getMessage() + "): install the Debian package"
                    + " librados2", e);
        }
        try {
            rados.confReadFile(confFile);
            rados.confSet("client_mount_timeout", "15");
            rados.connect();
            data = rados.ioCtxCreate(pool);
            meta = rados.ioCtxCreate(pool);
            meta.setNamespace(META_NAMESPACE);
        } catch (RadosException e) {
            throw new IOException("cannot connect to Ceph with " + confFile + " as client." + clientId + ", pool "
                    + pool + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int chunkSize() {
        return chunkSize;
    }

    static String objectName(String volume, long chunk) {
        String hex = Long.toHexString(chunk);
        return volume + "." + "0".repeat(16 - hex.length()) + hex;
    }

    private static boolean missing(RadosException e) {
        return e.getReturnValue() == ENOENT;
    }

    private static IOException io(String what, RadosException e) {
        return new IOException("RADOS " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public void read(String volume, long chunk, int offset, ByteBuffer dst) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, offset, dst.remaining());
        int len = dst.remaining();
        byte[] buf = new byte[len];
        int n = 0;
        if (len > 0) {
            try {
                n = Math.max(0, data.read(objectName(volume, chunk), len, offset, buf));
            } catch (RadosException e) {
                if (!missing(e)) {
                    throw io("read of " + objectName(volume, chunk), e);
                }
            }
        }
        if (n < len) {
            Arrays.fill(buf, n, len, (byte) 0); // beyond the object's end, or no object: zeroes
        }
        dst.duplicate().put(buf);
    }

    @Override
    public boolean exists(String volume, long chunk) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, 0, 0);
        try {
            data.stat(objectName(volume, chunk));
            return true;
        } catch (RadosException e) {
            if (missing(e)) {
                return false;
            }
            throw io("stat of " + objectName(volume, chunk), e);
        }
    }

    @Override
    public void write(String volume, long chunk, int offset, ByteBuffer src) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, offset, src.remaining());
        byte[] buf = new byte[src.remaining()];
        src.duplicate().get(buf);
        try {
            data.write(objectName(volume, chunk), buf, offset);
        } catch (RadosException e) {
            throw io("write of " + objectName(volume, chunk), e);
        }
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> readAsync(String volume, long chunk, int offset, byte[] dst,
                                                                int dstOffset, int length) {
        ChunkRanges.check(chunkSize, volume, chunk, offset, length);
        return RadosAio.read(data.getPointer(), objectName(volume, chunk), offset, dst, dstOffset, length);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> writeAsync(String volume, long chunk, int offset, byte[] src,
                                                                 int srcOffset, int length) {
        ChunkRanges.check(chunkSize, volume, chunk, offset, length);
        return RadosAio.write(data.getPointer(), objectName(volume, chunk), offset, src, srcOffset, length);
    }

    @Override
    public void discard(String volume, long chunk, int offset, int length) throws IOException {
        ChunkRanges.check(chunkSize, volume, chunk, offset, length);
        String oid = objectName(volume, chunk);
        try {
            if (offset == 0 && length == chunkSize) {
                data.remove(oid);
                return;
            }
            long size = data.stat(oid).getSize();
            if (offset >= size) {
                return;
            }
            if ((long) offset + length >= size) {
                data.truncate(oid, offset);
            } else {
                data.write(oid, new byte[length], offset);
            }
        } catch (RadosException e) {
            if (!missing(e)) {
                throw io("discard in " + oid, e);
            }
        }
    }

    @Override
    public void deleteVolume(String volume) throws IOException {
        ChunkRanges.check(chunkSize, volume, 0, 0, 0);
        String prefix = volume + ".";
        try {
            for (String oid : data.listObjects()) {
                if (oid.startsWith(prefix) && oid.length() == prefix.length() + 16
                        && oid.substring(prefix.length()).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    try {
                        data.remove(oid);
                    } catch (RadosException e) {
                        if (!missing(e)) {
                            throw e;
                        }
                    }
                }
            }
        } catch (RadosException e) {
            throw io("delete of volume " + volume, e);
        }
    }

    @Override
    public void putMeta(String key, byte[] value) throws IOException {
        ChunkRanges.checkKey(key);
        try {
            meta.writeFull(key, value, value.length);
        } catch (RadosException e) {
            throw io("write of metadata " + key, e);
        }
    }

    @Override
    public Optional<byte[]> getMeta(String key) throws IOException {
        ChunkRanges.checkKey(key);
        try {
            long size = meta.stat(key).getSize();
            byte[] buf = new byte[(int) size];
            int n = size == 0 ? 0 : meta.read(key, (int) size, 0, buf);
            return Optional.of(n == size ? buf : Arrays.copyOf(buf, n));
        } catch (RadosException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw io("read of metadata " + key, e);
        }
    }

    @Override
    public List<String> listMeta(String prefix) throws IOException {
        try {
            List<String> out = new ArrayList<>();
            for (String k : meta.listObjects()) {
                if (k.startsWith(prefix)) {
                    out.add(k);
                }
            }
            out.sort(null);
            return out;
        } catch (RadosException e) {
            throw io("listing of metadata", e);
        }
    }

    @Override
    public void deleteMeta(String key) throws IOException {
        ChunkRanges.checkKey(key);
        try {
            meta.remove(key);
        } catch (RadosException e) {
            if (!missing(e)) {
                throw io("delete of metadata " + key, e);
            }
        }
    }

    @Override
    public void close() {
        rados.ioCtxDestroy(data);
        rados.ioCtxDestroy(meta);
        rados.shutDown();
    }

    /** The Ceph cluster's raw capacity ({@code rados_cluster_stat}: before replication, all pools together). */
    @Override
    public Optional<StoreCapacity> capacity() throws IOException {
        try {
            com.ceph.rados.jna.RadosClusterInfo c = rados.clusterStat();
            return Optional.of(new StoreCapacity(c.kb * 1024, c.kb_used * 1024, c.kb_avail * 1024));
        } catch (RadosException e) {
            throw new IOException("cannot read the Ceph cluster's capacity: " + e.getMessage(), e);
        }
    }
}
