package io.shardgate.gateway.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The one place this package touches Vert.x internal API ({@link BufferInternal}): joining a reply header
 * and a data buffer into one socket write without copying the data.
 */
final class NettyBuffers {
    private NettyBuffers() {
    }

    /**
     * A buffer whose content is {@code header} followed by {@code data}, sharing their memory (a Netty
     * composite), so one reply is one socket write. Falls back to a copy if either buffer is not a Vert.x
     * buffer (a {@link io.shardgate.gateway.io.BlockVolume} may return any implementation).
     */
    static Buffer concat(Buffer header, Buffer data) {
        if (header instanceof BufferInternal h && data instanceof BufferInternal d) {
            ByteBuf joined = Unpooled.wrappedBuffer(h.getByteBuf(), d.getByteBuf());
            return BufferInternal.buffer(joined);
        }
        return Buffer.buffer(header.length() + data.length()).appendBuffer(header).appendBuffer(data);
    }
}
