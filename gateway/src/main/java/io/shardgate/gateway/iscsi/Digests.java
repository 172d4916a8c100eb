package io.shardgate.gateway.iscsi;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

import java.util.zip.CRC32C;

/**
 * CRC32C header and data digests (RFC 7143 section 13.1). The digest goes on the wire least significant byte
 * first, which is how {@link CRC32C} values are read back with little-endian accessors. Stateless.
 */
final class Digests {
    private Digests() {
    }

    /** CRC32C of {@code length} bytes of {@code b} from {@code from}, then of {@code pad} zero bytes. */
    static int crc(Buffer b, int from, int length, int pad) {
        CRC32C crc = new CRC32C();
        if (b instanceof io.vertx.core.internal.buffer.BufferInternal internal) {
            crc.update(internal.getByteBuf().nioBuffer(from, length));
        } else {
            crc.update(b.getBytes(from, from + length));
        }
        for (int i = 0; i < pad; i++) {
            crc.update(0);
        }
        return (int) crc.getValue();
    }

    /** CRC32C of the readable bytes {@code [from, from + length)} of a Netty buffer. */
    static int crc(ByteBuf b, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b.nioBuffer(from, length));
        return (int) crc.getValue();
    }
}
