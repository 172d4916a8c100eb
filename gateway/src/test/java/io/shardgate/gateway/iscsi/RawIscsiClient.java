package io.shardgate.gateway.iscsi;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A minimal blocking iSCSI initiator over a plain socket, for protocol and fuzz tests: it logs in (no
 * authentication, straight to full-feature phase), sends hand-made or deliberately broken PDUs and reads replies.
 * Written from RFC 7143; not thread-safe.
 */
final class RawIscsiClient implements AutoCloseable {
    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    boolean headerDigest;
    /** The server closed the connection (a read hit the end of the stream or a reset). */
    boolean closed;
    int cmdSN = 1;
    int itt = 1;

    /** One received PDU. */
    record Reply(byte[] bhs, byte[] data) {
        int opcode() {
            return bhs[0] & 0x3F;
        }

        int intAt(int i) {
            return ByteBuffer.wrap(bhs).getInt(i);
        }

        int byteAt(int i) {
            return bhs[i] & 0xFF;
        }
    }

    RawIscsiClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static byte[] text(String... pairs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String p : pairs) {
            b.writeBytes(p.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return b.toByteArray();
    }

    /** A login BHS: CSG/NSG/T as given, ISID fixed, CmdSN of the session. */
    byte[] loginHeader(int flags, int dataLength) {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.put(0, (byte) (0x40 | 0x03)).put(1, (byte) flags).put(4, (byte) 0);
        b.put(5, (byte) (dataLength >>> 16)).put(6, (byte) (dataLength >>> 8)).put(7, (byte) dataLength);
        b.put(8, (byte) 0x80).put(13, (byte) 7);
        b.putInt(16, itt++).putInt(24, cmdSN).putInt(28, 0);
        return b.array();
    }

    /** Logs in to {@code iqn} (operational stage only) and returns the final login response status. */
    int login(String iqn, boolean digests) throws IOException {
        return login(iqn, "HeaderDigest=" + (digests ? "CRC32C" : "None"), "DataDigest=None", "ImmediateData=Yes",
                "InitialR2T=No", "MaxRecvDataSegmentLength=262144", "FirstBurstLength=65536", "MaxBurstLength=262144",
                "ErrorRecoveryLevel=0");
    }

    /** Logs in with these operational keys; header digests are on when the keys ask for CRC32C and login succeeds. */
    int login(String iqn, String... operational) throws IOException {
        String[] all = new String[operational.length + 3];
        all[0] = "InitiatorName=iqn.2026-11.io.shardgate.test:raw";
        all[1] = "TargetName=" + iqn;
        all[2] = "SessionType=Normal";
        System.arraycopy(operational, 0, all, 3, operational.length);
        byte[] keys = text(all);
        boolean digests = java.util.Arrays.asList(operational).contains("HeaderDigest=CRC32C");
        sendPdu(loginHeader(0x80 | (1 << 2) | 3, keys.length), keys);
        Reply r = read();
        if (r == null || r.opcode() != 0x23) {
            throw new IOException("no login response");
        }
        int status = (r.byteAt(36) << 8) | r.byteAt(37);
        headerDigest = digests && status == 0;
        return status;
    }

    /** A SCSI command BHS for LUN 0 with the next ITT and CmdSN. */
    byte[] command(byte[] cdb, boolean read, boolean write, int expectedLength, int immediateLength) {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.put(0, (byte) 0x01).put(1, (byte) (0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 1));
        b.put(5, (byte) (immediateLength >>> 16)).put(6, (byte) (immediateLength >>> 8)).put(7, (byte) immediateLength);
        b.putInt(16, itt++).putInt(20, expectedLength).putInt(24, cmdSN++).putInt(28, 0);
        b.put(32, cdb, 0, Math.min(16, cdb.length));
        return b.array();
    }

    /** Sends BHS (+ header digest when negotiated) + padded data. */
    void sendPdu(byte[] bhs, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bhs);
        if (headerDigest) {
            b.writeBytes(crc(bhs));
        }
        if (data != null) {
            b.writeBytes(data);
            b.writeBytes(new byte[(-data.length) & 3]);
        }
        out.write(b.toByteArray());
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    static byte[] crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) c.getValue()).array();
    }

    /** The next PDU, or null when the server closed the connection or said nothing within the timeout. */
    Reply read() throws IOException {
        try {
            byte[] bhs = new byte[48];
            in.readFully(bhs);
            int ahs = (bhs[4] & 0xFF) * 4;
            int length = ((bhs[5] & 0xFF) << 16) | ((bhs[6] & 0xFF) << 8) | (bhs[7] & 0xFF);
            in.skipNBytes(ahs + (headerDigest ? 4 : 0));
            byte[] data = new byte[length];
            in.readFully(data);
            in.skipNBytes((-length) & 3);
            return new Reply(bhs, data);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (EOFException e) {
            closed = true;
            return null;
        } catch (IOException e) {
            closed = true; // connection reset
            return null;
        }
    }

    /** Whether the server closed the connection: reads (at most 64 PDUs) until the end of the stream or a timeout. */
    boolean closedByServer() throws IOException {
        for (int i = 0; i < 64 && !closed; i++) {
            if (read() == null) {
                break;
            }
        }
        return closed;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
