package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;

import static io.shardgate.gateway.iscsi.IscsiProtocol.*;

/**
 * Frames PDUs out of socket buffers: basic header, AHS, optional header digest, data segment with padding and
 * optional data digest. Pull-based: {@link #feed} adds bytes, {@link #next} returns the next whole PDU or null, so
 * the connection decides when to stop reading (back-pressure).
 *
 * <p>Copies: a PDU lying whole inside one socket buffer is sliced from it (no copy); one spread over several buffers
 * is gathered once. A header digest mismatch or a data segment above the current limit throws
 * {@link IscsiProtocolException} (the framing cannot be trusted any more); a data digest mismatch returns the PDU
 * flagged, so the connection can reject it. Event-loop confined.
 */
final class PduDecoder {
    private int maxDataSegment;
    private boolean headerDigest;
    private boolean dataDigest;

    private Buffer current;
    private int position;
    /** Gathering a PDU split over buffers: its bytes so far and its total length (0 = header still incomplete). */
    private Buffer gather;
    private int gatherTotal;

    PduDecoder(int maxDataSegment) {
        this.maxDataSegment = maxDataSegment;
    }

    /** New limits, effective from the next PDU (after the final login response). */
    void configure(int maxDataSegment, boolean headerDigest, boolean dataDigest) {
        this.maxDataSegment = maxDataSegment;
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
    }

    void feed(Buffer chunk) {
        if (current != null && position < current.length()) {
            current = Buffer.buffer(current.length() - position + chunk.length())
                    .appendBuffer(current, position, current.length() - position).appendBuffer(chunk);
        } else {
            current = chunk;
        }
        position = 0;
    }

    /** Bytes fed but not yet returned as PDUs. */
    boolean hasInput() {
        return (current != null && position < current.length()) || gather != null;
    }

    /** The next complete PDU, or null when more input is needed. */
    Pdu next() {
        if (current == null) {
            return null;
        }
        int available = current.length() - position;
        if (gather == null) {
            if (available >= BHS_BYTES) {
                int total = totalLength(current, position);
                if (available >= total) {
                    Pdu pdu = parse(current, position);
                    position += total;
                    release();
                    return pdu;
                }
                gather = Buffer.buffer(total);
                gatherTotal = total;
            } else {
                gather = Buffer.buffer(BHS_BYTES);
                gatherTotal = 0;
            }
        }
        int want = (gatherTotal == 0 ? BHS_BYTES : gatherTotal) - gather.length();
        int n = Math.min(want, available);
        gather.appendBuffer(current, position, n);
        position += n;
        release();
        if (gatherTotal == 0 && gather.length() == BHS_BYTES) {
            gatherTotal = totalLength(gather, 0);
            if (gatherTotal > BHS_BYTES) {
                Buffer bigger = Buffer.buffer(gatherTotal).appendBuffer(gather);
                gather = bigger;
                return next();
            }
        }
        if (gatherTotal != 0 && gather.length() == gatherTotal) {
            Buffer whole = gather;
            gather = null;
            gatherTotal = 0;
            return parse(whole, 0);
        }
        return null;
    }

    private void release() {
        if (current != null && position >= current.length()) {
            current = null;
            position = 0;
        }
    }

    /** Whole PDU length from its header; validates the lengths and the header digest. */
    private int totalLength(Buffer b, int at) {
        int ahs = (b.getByte(at + 4) & 0xFF) * 4;
        int data = b.getUnsignedMedium(at + 5);
        if (data > maxDataSegment) {
            throw new IscsiProtocolException("data segment of " + data + " bytes above the limit " + maxDataSegment);
        }
        return BHS_BYTES + ahs + (headerDigest ? DIGEST_BYTES : 0) + data + pad(data)
                + (dataDigest && data > 0 ? DIGEST_BYTES : 0);
    }

    private Pdu parse(Buffer b, int at) {
        int ahsLength = (b.getByte(at + 4) & 0xFF) * 4;
        int dataLength = b.getUnsignedMedium(at + 5);
        int headerEnd = at + BHS_BYTES + ahsLength;
        if (headerDigest && Digests.crc(b, at, BHS_BYTES + ahsLength, 0) != b.getIntLE(headerEnd)) {
            throw new IscsiProtocolException("header digest mismatch");
        }
        int dataStart = headerEnd + (headerDigest ? DIGEST_BYTES : 0);
        boolean digestError = false;
        if (dataDigest && dataLength > 0) {
            int padded = dataLength + pad(dataLength);
            digestError = Digests.crc(b, dataStart, padded, 0) != b.getIntLE(dataStart + padded);
        }
        Buffer ahs = ahsLength == 0 ? null : b.slice(at + BHS_BYTES, headerEnd);
        return new Pdu(b.slice(at, at + BHS_BYTES), ahs, b.slice(dataStart, dataStart + dataLength), digestError);
    }
}
