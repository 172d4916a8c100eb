package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;

import java.util.HexFormat;

/**
 * The commands {@link ScsiTarget} supports, with their CDB usage data (which bits of each CDB byte the target looks
 * at), for REPORT SUPPORTED OPERATION CODES (SPC-4 6.35). Keep in step with {@link ScsiTarget#execute}. Immutable.
 */
final class ScsiOpcodes {
    /** One usage-data string per command: the CDB with every bit the target evaluates set; byte 1 holds a service
     * action for commands that have one (then listed in {@link #SERVICE_ACTIONS}). */
    private static final String[] USAGE = {
        "00 00 00 00 00 00",                                     // TEST UNIT READY
        "03 01 00 00 FF 00",                                     // REQUEST SENSE
        "08 1F FF FF FF 00",                                     // READ (6)
        "0A 1F FF FF FF 00",                                     // WRITE (6)
        "12 01 FF FF FF 00",                                     // INQUIRY
        "1A 08 FF FF FF 00",                                     // MODE SENSE (6)
        "25 00 00 00 00 00 00 00 00 00",                         // READ CAPACITY (10)
        "28 F8 FF FF FF FF 00 FF FF 00",                         // READ (10)
        "2A F8 FF FF FF FF 00 FF FF 00",                         // WRITE (10)
        "2E F2 FF FF FF FF 00 FF FF 00",                         // WRITE AND VERIFY (10)
        "2F F6 FF FF FF FF 00 FF FF 00",                         // VERIFY (10)
        "34 00 FF FF FF FF 00 FF FF 00",                         // PRE-FETCH (10)
        "35 00 FF FF FF FF 00 FF FF 00",                         // SYNCHRONIZE CACHE (10)
        "41 E8 FF FF FF FF 00 FF FF 00",                         // WRITE SAME (10)
        "42 00 00 00 00 00 00 FF FF 00",                         // UNMAP
        "5A 18 FF FF 00 00 00 FF FF 00",                         // MODE SENSE (10)
        "88 F8 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // READ (16)
        "89 E8 FF FF FF FF FF FF FF FF 00 00 00 FF 00 00",       // COMPARE AND WRITE
        "8A F8 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // WRITE (16)
        "8E F2 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // WRITE AND VERIFY (16)
        "8F F6 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // VERIFY (16)
        "90 00 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // PRE-FETCH (16)
        "91 00 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // SYNCHRONIZE CACHE (16)
        "93 E9 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // WRITE SAME (16)
        "9E 10 00 00 00 00 00 00 00 00 FF FF FF FF 00 00",       // READ CAPACITY (16)
        "9E 12 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",       // GET LBA STATUS
        "A0 00 FF 00 00 00 FF FF FF FF 00 00",                   // REPORT LUNS
        "A3 0C 87 FF FF FF FF FF FF FF 00 00",                   // REPORT SUPPORTED OPERATION CODES
        "A8 F8 FF FF FF FF FF FF FF FF 00 00",                   // READ (12)
        "AA F8 FF FF FF FF FF FF FF FF 00 00",                   // WRITE (12)
        "AE F2 FF FF FF FF FF FF FF FF 00 00",                   // WRITE AND VERIFY (12)
        "AF F6 FF FF FF FF FF FF FF FF 00 00",                   // VERIFY (12)
    };
    /** Opcodes whose byte 1 carries a service action. */
    private static final int[] SERVICE_ACTIONS = {0x9E, 0xA3};
    private static final byte[][] TABLE = new byte[USAGE.length][];

    static {
        for (int i = 0; i < USAGE.length; i++) {
            TABLE[i] = HexFormat.ofDelimiter(" ").parseHex(USAGE[i]);
        }
    }

    private ScsiOpcodes() {
    }

    private static boolean hasServiceAction(int opcode) {
        for (int o : SERVICE_ACTIONS) {
            if (o == opcode) {
                return true;
            }
        }
        return false;
    }

    /** REPORT SUPPORTED OPERATION CODES; the caller cuts the data to the allocation length. */
    static ScsiResult report(Buffer cdb) {
        boolean timeouts = (cdb.getByte(2) & 0x80) != 0;
        int options = cdb.getByte(2) & 0x07;
        int opcode = cdb.getByte(3) & 0xFF;
        int action = cdb.getUnsignedShort(4);
        if (options == 0) {
            return ScsiResult.data(all(timeouts));
        }
        if (options > 3 || (options == 1 && hasServiceAction(opcode))
                || (options == 2 && !hasServiceAction(opcode))) {
            return ScsiResult.invalidField();
        }
        boolean withAction = hasServiceAction(opcode);
        byte[] usage = null;
        for (byte[] u : TABLE) {
            if ((u[0] & 0xFF) == opcode && (!withAction || (u[1] & 0x1F) == action)) {
                usage = u;
            }
        }
        Buffer b = Buffer.buffer(4 + 16 + 12);
        if (usage == null) {
            return ScsiResult.data(b.appendByte((byte) 0).appendByte((byte) 0x01).appendShort((short) 0));
        }
        b.appendByte((byte) 0).appendByte((byte) ((timeouts ? 0x80 : 0) | 0x03)).appendShort((short) usage.length)
                .appendBytes(usage);
        if (timeouts) {
            appendTimeouts(b);
        }
        return ScsiResult.data(b);
    }

    private static Buffer all(boolean timeouts) {
        int each = timeouts ? 20 : 8;
        Buffer b = Buffer.buffer(4 + TABLE.length * each).appendInt(TABLE.length * each);
        for (byte[] u : TABLE) {
            int opcode = u[0] & 0xFF;
            boolean withAction = hasServiceAction(opcode);
            b.appendByte((byte) opcode).appendByte((byte) 0).appendShort((short) (withAction ? u[1] & 0x1F : 0))
                    .appendByte((byte) 0).appendByte((byte) ((timeouts ? 0x02 : 0) | (withAction ? 0x01 : 0)))
                    .appendShort((short) u.length);
            if (timeouts) {
                appendTimeouts(b);
            }
        }
        return b;
    }

    /** A command timeouts descriptor: no nominal or recommended timeout given (0). */
    private static void appendTimeouts(Buffer b) {
        b.appendShort((short) 0x0A).appendShort((short) 0).appendInt(0).appendInt(0);
    }
}
