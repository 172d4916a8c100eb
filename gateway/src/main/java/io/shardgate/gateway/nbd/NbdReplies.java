package io.shardgate.gateway.nbd;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

import static io.shardgate.gateway.nbd.NbdProtocol.*;

/** Encodes transmission-phase replies into buffers: fixed-size headers, no formatting, no boxing. */
final class NbdReplies {
    /** Longest error message sent in a structured error chunk (the protocol caps strings at 4096). */
    private static final int MAX_MESSAGE_BYTES = 1024;

    private NbdReplies() {
    }

    /** A simple reply (16 bytes): success ({@code errno} 0) or error, no payload. */
    static Buffer simple(long handle, int errno) {
        return Buffer.buffer(SIMPLE_REPLY_BYTES).appendInt(SIMPLE_REPLY_MAGIC).appendInt(errno).appendLong(handle);
    }

    /** Simple success reply to a READ: header then the data, in one buffer without copying the data. */
    static Buffer simpleRead(long handle, Buffer data) {
        return NettyBuffers.concat(simple(handle, 0), data);
    }

    /** Structured final OFFSET_DATA chunk carrying a whole READ. */
    static Buffer structuredRead(long handle, long offset, Buffer data) {
        Buffer header = Buffer.buffer(STRUCTURED_HEADER_BYTES + 8)
                .appendInt(STRUCTURED_REPLY_MAGIC)
                .appendShort((short) REPLY_FLAG_DONE)
                .appendShort((short) REPLY_TYPE_OFFSET_DATA)
                .appendLong(handle)
                .appendInt(8 + data.length())
                .appendLong(offset);
        return NettyBuffers.concat(header, data);
    }

    /** Structured final ERROR chunk with a short human-readable message (error path only). */
    static Buffer structuredError(long handle, int errno, String message) {
        byte[] text = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        int textLength = Math.min(text.length, MAX_MESSAGE_BYTES);
        return Buffer.buffer(STRUCTURED_HEADER_BYTES + 6 + textLength)
                .appendInt(STRUCTURED_REPLY_MAGIC)
                .appendShort((short) REPLY_FLAG_DONE)
                .appendShort((short) REPLY_TYPE_ERROR)
                .appendLong(handle)
                .appendInt(6 + textLength)
                .appendInt(errno)
                .appendShort((short) textLength)
                .appendBytes(text, 0, textLength);
    }
}
