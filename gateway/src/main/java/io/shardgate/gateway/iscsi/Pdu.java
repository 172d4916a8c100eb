package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;

/**
 * One received PDU: its 48-byte basic header segment, additional header segments and data segment (without
 * padding or digests). The buffers may be slices of the socket's buffer: valid until the PDU is handled unless
 * copied. Field accessors follow RFC 7143 section 11; event-loop confined.
 */
final class Pdu {
    final Buffer bhs;
    final Buffer ahs;
    final Buffer data;
    /** The data digest did not match: the data must not be used. */
    final boolean dataDigestError;

    Pdu(Buffer bhs, Buffer ahs, Buffer data, boolean dataDigestError) {
        this.bhs = bhs;
        this.ahs = ahs;
        this.data = data;
        this.dataDigestError = dataDigestError;
    }

    int opcode() {
        return bhs.getByte(0) & 0x3F;
    }

    boolean immediate() {
        return (bhs.getByte(0) & IscsiProtocol.FLAG_IMMEDIATE) != 0;
    }

    int flags() {
        return bhs.getByte(1) & 0xFF;
    }

    boolean isFinal() {
        return (flags() & IscsiProtocol.FLAG_FINAL) != 0;
    }

    int byteAt(int index) {
        return bhs.getByte(index) & 0xFF;
    }

    int intAt(int index) {
        return bhs.getInt(index);
    }

    long lun() {
        return bhs.getLong(8);
    }

    int itt() {
        return bhs.getInt(16);
    }

    /** Declared data segment length (the PDU's data buffer has exactly this length). */
    int dataSegmentLength() {
        return bhs.getUnsignedMedium(5);
    }
}
