package io.shardgate.gateway.nbd;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static io.shardgate.gateway.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A byte-level NBD client for protocol and fuzz tests: sends exactly what it is told, checks nothing itself. */
final class RawNbdClient implements Closeable {
    final Socket socket = new Socket();
    final DataInputStream in;
    final DataOutputStream out;

    record OptionReply(int option, int type, byte[] data) {
    }

    /** A transmission reply: {@code data} is the READ payload (structured OFFSET_DATA or simple). */
    record Reply(long handle, int errno, byte[] data) {
    }

    RawNbdClient(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    }

    void readGreeting() throws IOException {
        assertEquals(NBDMAGIC, in.readLong());
        assertEquals(IHAVEOPT, in.readLong());
        assertEquals(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, in.readUnsignedShort());
    }

    void clientFlags(int flags) throws IOException {
        out.writeInt(flags);
        out.flush();
    }

    void option(int option, byte[] data) throws IOException {
        out.writeLong(IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    OptionReply readOptionReply() throws IOException {
        assertEquals(OPTION_REPLY_MAGIC, in.readLong());
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** Full handshake to transmission on {@code export}; returns the export size. */
    long handshake(String export, boolean structured) throws IOException {
        readGreeting();
        clientFlags(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES);
        if (structured) {
            option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ACK, readOptionReply().type());
        }
        option(OPT_GO, goData(export));
        long size = -1;
        while (true) {
            OptionReply r = readOptionReply();
            if (r.type() == REP_ACK) {
                return size;
            }
            assertEquals(REP_INFO, r.type(), "unexpected reply to NBD_OPT_GO");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.data());
            if (b.getShort() == INFO_EXPORT) {
                size = b.getLong();
            }
        }
    }

    void request(int flags, int type, long handle, long offset, int length, byte[] payload) throws IOException {
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt(length);
        if (payload != null) {
            out.write(payload);
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    Reply readReply() throws IOException {
        int magic = in.readInt();
        if (magic == SIMPLE_REPLY_MAGIC) {
            int errno = in.readInt();
            return new Reply(in.readLong(), errno, null);
        }
        assertEquals(STRUCTURED_REPLY_MAGIC, magic, "reply magic");
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long handle = in.readLong();
        int length = in.readInt();
        assertEquals(REPLY_FLAG_DONE, flags & REPLY_FLAG_DONE, "single-chunk replies are final");
        if (type == REPLY_TYPE_OFFSET_DATA) {
            in.readLong();
            byte[] data = new byte[length - 8];
            in.readFully(data);
            return new Reply(handle, 0, data);
        }
        assertEquals(REPLY_TYPE_ERROR, type, "structured reply type");
        int errno = in.readInt();
        int messageLength = in.readUnsignedShort();
        in.readFully(new byte[messageLength]);
        assertEquals(length, 6 + messageLength);
        return new Reply(handle, errno, null);
    }

    /** Simple-reply READ payload, when the caller knows a successful READ of {@code length} was answered. */
    byte[] readPayload(int length) throws IOException {
        byte[] data = new byte[length];
        in.readFully(data);
        return data;
    }

    /** True when the server closes the connection within {@code millis} (after any pending bytes). */
    boolean closedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (in.read() >= 0) {
                // drain whatever was still sent
            }
            return true;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
