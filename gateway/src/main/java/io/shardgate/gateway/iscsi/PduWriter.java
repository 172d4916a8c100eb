package io.shardgate.gateway.iscsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

import static io.shardgate.gateway.iscsi.IscsiProtocol.*;

/**
 * Encodes target PDUs straight into one pooled direct buffer each and writes them; the one class of this package
 * using Vert.x internal API, for the same reason as the NBD reply writer: Data-In bytes are copied exactly once, from
 * the volume's buffer into the memory the kernel sends from, and Netty releases the buffer after the write.
 *
 * <p>Use: {@link #begin} returns a buffer holding a zeroed 48-byte header with opcode, flags and data length set; the
 * caller fills the other header fields with absolute setters; {@link #finish} appends header digest, data, padding
 * and data digest and sends. Event-loop confined; no formatting, no boxing.
 */
final class PduWriter {
    private final NetSocket socket;
    private final NetSocketInternal raw;
    private final ByteBufAllocator alloc;
    private boolean headerDigest;
    private boolean dataDigest;

    PduWriter(NetSocket socket) {
        this.socket = socket;
        if (socket instanceof NetSocketInternal internal) {
            this.raw = internal;
            this.alloc = internal.channelHandlerContext().alloc();
        } else {
            this.raw = null;
            this.alloc = UnpooledByteBufAllocator.DEFAULT;
        }
    }

    /** Digests for PDUs begun from now on (set right after the final login response). */
    void configure(boolean headerDigest, boolean dataDigest) {
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
    }

    ByteBuf begin(int opcode, int flags, int dataLength) {
        int size = BHS_BYTES + (headerDigest ? DIGEST_BYTES : 0) + dataLength + pad(dataLength)
                + (dataDigest && dataLength > 0 ? DIGEST_BYTES : 0);
        ByteBuf out = alloc.directBuffer(size);
        out.writeZero(BHS_BYTES);
        out.setByte(0, opcode);
        out.setByte(1, flags);
        out.setMedium(5, dataLength);
        return out;
    }

    /** Appends {@code length} bytes of {@code data} from {@code from} (the length given to {@link #begin}) and sends. */
    void finish(ByteBuf out, Buffer data, int from, int length) {
        if (headerDigest) {
            out.writeIntLE(Digests.crc(out, 0, BHS_BYTES));
        }
        if (length > 0) {
            int start = out.writerIndex();
            if (data instanceof BufferInternal internal) {
                ByteBuf src = internal.getByteBuf();
                out.writeBytes(src, src.readerIndex() + from, length);
            } else {
                out.writeBytes(data.getBytes(from, from + length));
            }
            out.writeZero(pad(length));
            if (dataDigest) {
                out.writeIntLE(Digests.crc(out, start, length + pad(length)));
            }
        }
        if (raw != null) {
            raw.writeMessage(out);
        } else {
            socket.write(BufferInternal.buffer(out));
        }
    }

    /** Sends a PDU without data segment. */
    void finish(ByteBuf out) {
        finish(out, null, 0, 0);
    }
}
