package io.shardgate.gateway.cluster;

import io.shardgate.gateway.io.VolumeIoException;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The binary protocol between servers: the router sends each piece of a request to the piece's owner with the map
 * version it routed with. Big-endian, length-prefixed frames.
 * <pre>
 * request: int frameLength | long id | byte op | long mapVersion | long offset | int length
 *          | short nameLength | name (UTF-8) | data (WRITE only: length bytes)
 * reply:   int frameLength | long id | byte status | long mapVersion | int payloadLength | payload
 *          (READ data when OK; the current owner's id when MOVED; a message otherwise)
 * </pre>
 * An owner answers MOVED, with its current map version, when the request was routed with another version
 * (architecture rule 2); the router refreshes its map and retries.
 */
final class InternalProtocol {
    static final byte READ = 1;
    static final byte WRITE = 2;
    static final byte TRIM = 3;
    static final byte WRITE_ZEROES = 4;

    static final byte OK = 0;
    static final byte MOVED = 1;
    static final byte UNKNOWN_VOLUME = 2;
    /** Status 10 + ordinal of {@link VolumeIoException.Kind}. */
    static final byte IO_KIND_BASE = 10;

    static final int MAX_FRAME = 64 << 20;

    private InternalProtocol() {
    }

    /** A decoded request (the frame without its length prefix). */
    record Request(long id, byte op, long mapVersion, long offset, int length, String volume, Buffer data) {
        static Request decode(Buffer f) {
            long id = f.getLong(0);
            byte op = f.getByte(8);
            long version = f.getLong(9);
            long offset = f.getLong(17);
            int length = f.getInt(25);
            int nameLength = f.getShort(29) & 0xffff;
            String name = f.getString(31, 31 + nameLength, "UTF-8");
            Buffer data = op == WRITE ? f.slice(31 + nameLength, f.length()) : null;
            return new Request(id, op, version, offset, length, name, data);
        }
    }

    static Buffer request(long id, byte op, long mapVersion, long offset, int length, String volume, Buffer data) {
        byte[] name = volume.getBytes(StandardCharsets.UTF_8);
        int frame = 31 + name.length + (data == null ? 0 : data.length());
        Buffer b = Buffer.buffer(4 + frame);
        b.appendInt(frame).appendLong(id).appendByte(op).appendLong(mapVersion).appendLong(offset).appendInt(length)
                .appendShort((short) name.length).appendBytes(name);
        if (data != null) {
            b.appendBuffer(data);
        }
        return b;
    }

    /** A decoded reply. */
    record Reply(long id, byte status, long mapVersion, Buffer payload) {
        static Reply decode(Buffer f) {
            int n = f.getInt(17);
            return new Reply(f.getLong(0), f.getByte(8), f.getLong(9), f.slice(21, 21 + n));
        }

        String text() {
            return payload.toString(StandardCharsets.UTF_8);
        }
    }

    static Buffer reply(long id, byte status, long mapVersion, Buffer payload) {
        int n = payload == null ? 0 : payload.length();
        Buffer b = Buffer.buffer(4 + 21 + n);
        b.appendInt(21 + n).appendLong(id).appendByte(status).appendLong(mapVersion).appendInt(n);
        if (payload != null) {
            b.appendBuffer(payload);
        }
        return b;
    }

    static Buffer text(String s) {
        return Buffer.buffer(s, "UTF-8");
    }
}
