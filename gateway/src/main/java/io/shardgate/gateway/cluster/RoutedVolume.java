package io.shardgate.gateway.cluster;

import io.shardgate.core.map.ShardMap;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeIoException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The I/O router for one volume, as the front ends of any server see it: splits each request at shard boundaries
 * ({@link ShardMap#shardIndexOf}, no allocation), sends each piece to its owner (in-process when it is this server,
 * else over the internal protocol) with the map version it routed with, and reassembles the reply. A piece refused
 * as MOVED is retried with the current map, a bounded number of times.
 */
final class RoutedVolume implements BlockVolume {
    /** With the back-off below, about 40 s of retries: longer than any map change takes to reach every server. */
    private static final int MAX_ATTEMPTS = 200;
    /** Pieces are at most this long, so a huge trim never overflows an int length. */
    private static final long MAX_PIECE = 1L << 30;

    private final String name;
    private final Supplier<ShardMap> map;
    private final String self;
    private final BlockVolume local;
    private final Function<String, Peer> peers;
    private final InternalClient client;
    private final Vertx vertx;

    RoutedVolume(String name, Supplier<ShardMap> map, String self, BlockVolume local, Function<String, Peer> peers,
                 InternalClient client, Vertx vertx) {
        this.name = name;
        this.map = map;
        this.self = self;
        this.local = local;
        this.peers = peers;
        this.client = client;
        this.vertx = vertx;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return map.get().sizeBytes();
    }

    @Override
    public int blockSize() {
        return local.blockSize();
    }

    /** One piece of a request inside one shard. */
    private interface Piece {
        Future<Buffer> run(boolean isLocal, Peer owner, long version, long offset, int length, int bufferOffset);
    }

    private Future<List<Buffer>> route(long offset, long length, Piece piece) {
        ShardMap m = map.get();
        VolumeIoException outside = VolumeIoException.outOfRange(name, offset, length, m.sizeBytes());
        if (outside != null) {
            return Future.failedFuture(outside);
        }
        List<Future<Buffer>> parts = new ArrayList<>(2);
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int shard = m.shardIndexOf(pos);
            int n = (int) Math.min(MAX_PIECE, Math.min(end - pos, m.shardEnd(shard) - pos));
            parts.add(attempt(piece, pos, n, (int) (pos - offset), 1));
            pos += n;
        }
        return Future.all(parts).map(cf -> {
            List<Buffer> out = new ArrayList<>(parts.size());
            for (Future<Buffer> f : parts) {
                out.add(f.result());
            }
            return out;
        });
    }

    private Future<Buffer> attempt(Piece piece, long offset, int length, int bufferOffset, int attempt) {
        ShardMap m = map.get();
        String owner = m.owner(m.shardIndexOf(offset));
        int shardEnd = (int) Math.min(length, m.shardEnd(m.shardIndexOf(offset)) - offset);
        if (shardEnd < length) {
            // the map changed under us and the piece now spans shards: route its parts afresh
            return route(offset, length, piece).map(RoutedVolume::concat);
        }
        boolean isLocal = owner.equals(self);
        Peer peer = isLocal ? null : peers.apply(owner);
        if (!isLocal && peer == null) {
            return retryLater(piece, offset, length, bufferOffset, attempt,
                    new VolumeIoException(VolumeIoException.Kind.IO_ERROR, "owner " + owner + " of a shard of " + name
                            + " is not a live member"));
        }
        return piece.run(isLocal, peer, m.version(), offset, length, bufferOffset)
                .recover(e -> retryable(e) ? retryLater(piece, offset, length, bufferOffset, attempt, e)
                        : Future.failedFuture(e));
    }

    /**
     * Whether a piece failed because ownership is changing (stale map, an owner that no longer owns the range or
     * does not know the volume yet) or its owner cannot be reached (it may have died and its shards be given to
     * others): then it is retried with the current map. Store and range errors are final.
     */
    private static boolean retryable(Throwable e) {
        return e instanceof MovedException || e instanceof PeerUnreachableException
                || (e instanceof VolumeIoException v && v.kind() == VolumeIoException.Kind.NOT_PERMITTED);
    }

    private Future<Buffer> retryLater(Piece piece, long offset, int length, int bufferOffset, int attempt,
                                      Throwable cause) {
        if (attempt >= MAX_ATTEMPTS) {
            return Future.failedFuture(cause instanceof VolumeIoException ? cause
                    : new VolumeIoException(VolumeIoException.Kind.IO_ERROR, "volume " + name + ": gave up after "
                    + attempt + " attempts: " + cause.getMessage(), cause));
        }
        return vertx.timer(Math.min(200, 5L * attempt)).compose(t -> attempt(piece, offset, length, bufferOffset,
                attempt + 1));
    }

    private static Buffer concat(List<Buffer> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Buffer out = Buffer.buffer();
        for (Buffer b : parts) {
            if (b != null) {
                out.appendBuffer(b);
            }
        }
        return out;
    }

    @Override
    public Future<Buffer> read(long offset, int length) {
        return route(offset, length, (isLocal, peer, version, off, n, bufOff) -> isLocal ? local.read(off, n)
                : client.send(peer, InternalProtocol.READ, name, version, off, n, null)).map(RoutedVolume::concat);
    }

    @Override
    public Future<Void> write(long offset, Buffer data, boolean fua) {
        long base = offset;
        return route(offset, data.length(), (isLocal, peer, version, off, n, bufOff) -> {
            Buffer slice = data.slice((int) (off - base), (int) (off - base) + n);
            return isLocal ? local.write(off, slice, fua).map((Buffer) null)
                    : client.send(peer, InternalProtocol.WRITE, name, version, off, n, slice);
        }).mapEmpty();
    }

    @Override
    public Future<Void> flush() {
        return Future.succeededFuture(); // every acknowledged piece is durable on its owner
    }

    @Override
    public Future<Void> trim(long offset, long length) {
        return route(offset, length, (isLocal, peer, version, off, n, bufOff) -> isLocal
                ? local.trim(off, n).map((Buffer) null)
                : client.send(peer, InternalProtocol.TRIM, name, version, off, n, null)).mapEmpty();
    }

    @Override
    public Future<Void> writeZeroes(long offset, long length, boolean fua) {
        return route(offset, length, (isLocal, peer, version, off, n, bufOff) -> isLocal
                ? local.writeZeroes(off, n, fua).map((Buffer) null)
                : client.send(peer, InternalProtocol.WRITE_ZEROES, name, version, off, n, null)).mapEmpty();
    }
}
