package io.shardgate.gateway.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

import static io.shardgate.gateway.nbd.NbdProtocol.*;

/**
 * Encodes and writes transmission replies; the one class of this package using Vert.x internal API.
 *
 * <p>Why internals: a Vert.x {@code Buffer} written to a socket is a heap buffer that Netty copies into a
 * direct buffer before the system call (and a composite of header + data is even copied twice). Here each
 * reply is encoded straight into one pooled direct buffer of the channel's allocator: the READ data is
 * copied exactly once, from the volume's buffer to the memory the kernel reads, and the header costs no
 * extra object. The buffer goes down the channel as a raw message ({@link NetSocketInternal#writeMessage}),
 * which releases it after the write, so nothing leaks. Sockets that are not Vert.x's own fall back to
 * plain heap {@code Buffer}s.
 *
 * <p>Event-loop confined, like its connection. No formatting, no boxing.
 */
final class NbdReplyWriter {
    /** Longest error message sent in a structured error chunk (the protocol caps strings at 4096). */
    private static final int MAX_MESSAGE_BYTES = 1024;

    private final NetSocket socket;
    private final NetSocketInternal raw;
    private final ByteBufAllocator alloc;

    NbdReplyWriter(NetSocket socket) {
        this.socket = socket;
        if (socket instanceof NetSocketInternal internal) {
            this.raw = internal;
            this.alloc = internal.channelHandlerContext().alloc();
        } else {
            this.raw = null;
            this.alloc = UnpooledByteBufAllocator.DEFAULT;
        }
    }

    /** A simple reply (16 bytes) without payload: success ({@code errno} 0) or an error. */
    void simple(long handle, int errno) {
        ByteBuf out = alloc.directBuffer(SIMPLE_REPLY_BYTES);
        out.writeInt(SIMPLE_REPLY_MAGIC).writeInt(errno).writeLong(handle);
        send(out);
    }

    /** A successful READ: a simple reply followed by the data, or one final OFFSET_DATA chunk. */
    void read(boolean structured, long handle, long offset, Buffer data) {
        int length = data.length();
        ByteBuf out;
        if (structured) {
            out = alloc.directBuffer(STRUCTURED_HEADER_BYTES + 8 + length);
            out.writeInt(STRUCTURED_REPLY_MAGIC).writeShort(REPLY_FLAG_DONE).writeShort(REPLY_TYPE_OFFSET_DATA)
                    .writeLong(handle).writeInt(8 + length).writeLong(offset);
        } else {
            out = alloc.directBuffer(SIMPLE_REPLY_BYTES + length);
            out.writeInt(SIMPLE_REPLY_MAGIC).writeInt(0).writeLong(handle);
        }
        if (data instanceof BufferInternal internal) {
            out.writeBytes(internal.getByteBuf()); // a view of the volume's buffer: the one copy
        } else {
            out.writeBytes(data.getBytes());
        }
        send(out);
    }

    /** One final structured ERROR chunk with a short human-readable message (error path only). */
    void structuredError(long handle, int errno, String message) {
        byte[] text = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        int textLength = Math.min(text.length, MAX_MESSAGE_BYTES);
        ByteBuf out = alloc.directBuffer(STRUCTURED_HEADER_BYTES + 6 + textLength);
        out.writeInt(STRUCTURED_REPLY_MAGIC).writeShort(REPLY_FLAG_DONE).writeShort(REPLY_TYPE_ERROR)
                .writeLong(handle).writeInt(6 + textLength).writeInt(errno).writeShort(textLength)
                .writeBytes(text, 0, textLength);
        send(out);
    }

    private void send(ByteBuf out) {
        if (raw != null) {
            raw.writeMessage(out);
        } else {
            socket.write(BufferInternal.buffer(out));
        }
    }
}
