package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduDecoderTest {

    /** The CRC32C examples of RFC 3720 appendix B.4 (as bytes on the wire, least significant first). */
    @Test
    void crc32cMatchesTheRfcExamples() {
        byte[] zeros = new byte[32];
        byte[] ones = new byte[32];
        byte[] up = new byte[32];
        for (int i = 0; i < 32; i++) {
            ones[i] = (byte) 0xFF;
            up[i] = (byte) i;
        }
        assertEquals(0x8A9136AA, Digests.crc(Buffer.buffer(zeros), 0, 32, 0));
        assertEquals(0x62A8AB43, Digests.crc(Buffer.buffer(ones), 0, 32, 0));
        assertEquals(0x46DD794E, Digests.crc(Buffer.buffer(up), 0, 32, 0));
    }

    private static Buffer pdu(int opcode, byte[] data, boolean headerDigest, boolean dataDigest) {
        Buffer bhs = Buffer.buffer(new byte[48]);
        bhs.setByte(0, (byte) opcode);
        bhs.setMedium(5, data.length);
        bhs.setInt(16, 0x1234);
        Buffer out = Buffer.buffer().appendBuffer(bhs);
        if (headerDigest) {
            out.appendIntLE(Digests.crc(bhs, 0, 48, 0));
        }
        Buffer padded = Buffer.buffer(data).appendBytes(new byte[IscsiProtocol.pad(data.length)]);
        out.appendBuffer(padded);
        if (dataDigest && data.length > 0) {
            out.appendIntLE(Digests.crc(padded, 0, padded.length(), 0));
        }
        return out;
    }

    private static List<Pdu> drain(PduDecoder d) {
        List<Pdu> out = new ArrayList<>();
        for (Pdu p; (p = d.next()) != null; ) {
            out.add(p);
        }
        return out;
    }

    @Test
    void pdusSplitInSevenBytePiecesAreReassembled() {
        Buffer stream = Buffer.buffer().appendBuffer(pdu(0x01, "hello".getBytes(), true, true))
                .appendBuffer(pdu(0x00, new byte[0], true, true)).appendBuffer(pdu(0x05, new byte[1000], true, true));
        PduDecoder d = new PduDecoder(8192);
        d.configure(8192, true, true);
        List<Pdu> got = new ArrayList<>();
        for (int i = 0; i < stream.length(); i += 7) {
            d.feed(stream.slice(i, Math.min(stream.length(), i + 7)));
            got.addAll(drain(d));
        }
        assertEquals(3, got.size());
        assertEquals("hello", got.get(0).data.toString());
        assertEquals(0x1234, got.get(0).itt());
        assertEquals(0, got.get(1).data.length());
        assertEquals(1000, got.get(2).data.length());
        assertFalse(got.get(2).dataDigestError);
        assertFalse(d.hasInput());
    }

    @Test
    void wholePdusInOneBufferAreSlicedNotCopied() {
        PduDecoder d = new PduDecoder(8192);
        d.feed(Buffer.buffer().appendBuffer(pdu(0x01, "abc".getBytes(), false, false))
                .appendBuffer(pdu(0x01, "defg".getBytes(), false, false)));
        List<Pdu> got = drain(d);
        assertEquals(List.of("abc", "defg"), List.of(got.get(0).data.toString(), got.get(1).data.toString()));
    }

    @Test
    void badHeaderDigestAndOversizedSegmentsBreakTheFraming() {
        PduDecoder d = new PduDecoder(8192);
        d.configure(8192, true, false);
        Buffer b = pdu(0x01, new byte[4], true, false);
        b.setByte(49, (byte) (b.getByte(49) ^ 1));
        d.feed(b);
        assertThrows(IscsiProtocolException.class, d::next);

        PduDecoder small = new PduDecoder(512);
        small.feed(pdu(0x05, new byte[513], false, false).slice(0, 48));
        assertThrows(IscsiProtocolException.class, small::next);
    }

    @Test
    void badDataDigestIsFlaggedNotThrown() {
        PduDecoder d = new PduDecoder(8192);
        d.configure(8192, false, true);
        Buffer b = pdu(0x05, new byte[] {1, 2, 3, 4, 5}, false, true);
        b.setByte(50, (byte) 9);
        d.feed(b);
        Pdu p = d.next();
        assertTrue(p.dataDigestError);
        assertNull(d.next());
    }
}
