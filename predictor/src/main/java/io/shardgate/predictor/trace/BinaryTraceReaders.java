package io.shardgate.predictor.trace;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Readers of the binary formats: LIRS2 raw block numbers and the gateway's own records. */
final class BinaryTraceReaders {
    private BinaryTraceReaders() {
    }

    /** Little-endian uint32 4 KiB block numbers, one per request, no time, all reads. */
    static TraceReader lirs2(InputStream in, String file) {
        return new TraceReader() {
            private final byte[] b = new byte[4];
            private long index;

            @Override
            public AccessRecord next() throws IOException {
                int n = in.readNBytes(b, 0, 4);
                if (n == 0) {
                    return null;
                }
                if (n < 4) {
                    throw new TraceFormatException(file + ": truncated record " + index + " (" + n + " of 4 bytes)");
                }
                index++;
                long block = (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
                return new AccessRecord(-1, 0, block << 12, 4096, false);
            }

            @Override
            public String format() {
                return TraceFormat.LIRS2_RAW.id();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** The gateway's format: see {@link GatewayTraceWriter} for the layout. */
    static TraceReader gateway(InputStream raw, String file) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] header = new byte[GatewayTraceWriter.HEADER_BYTES];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            throw new TraceFormatException(file + ": too short for a gateway trace header");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        h.get(magic);
        if (!java.util.Arrays.equals(magic, GatewayTraceWriter.MAGIC)) {
            throw new TraceFormatException(file + ": not a gateway trace (bad magic)");
        }
        int version = h.getInt();
        if (version != GatewayTraceWriter.VERSION) {
            throw new TraceFormatException(file + ": gateway trace version " + version + " is not supported (expected "
                    + GatewayTraceWriter.VERSION + ")");
        }
        return new TraceReader() {
            private final byte[] rec = new byte[GatewayTraceWriter.RECORD_BYTES];
            private final ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
            private long index;

            @Override
            public AccessRecord next() throws IOException {
                int n = in.readNBytes(rec, 0, rec.length);
                if (n == 0) {
                    return null;
                }
                if (n < rec.length) {
                    throw new TraceFormatException(file + ": truncated record " + index);
                }
                index++;
                r.clear();
                long time = r.getLong();
                long offset = r.getLong();
                int length = r.getInt();
                int volume = r.getInt();
                byte op = r.get();
                if (length <= 0 || offset < 0 || (op != 0 && op != 1)) {
                    throw new TraceFormatException(file + ": record " + index + " is corrupt (offset " + offset
                            + ", length " + length + ", op " + op + ")");
                }
                return new AccessRecord(time, volume, offset, length, op == 1);
            }

            @Override
            public String format() {
                return TraceFormat.GATEWAY.id();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
