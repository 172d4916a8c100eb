package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.shardgate.gateway.nbd.NbdProtocol.*;

/**
 * The fixed-newstyle handshake of one connection: greeting, client flags, then option haggling until the
 * client picks an export ({@code NBD_OPT_EXPORT_NAME} or {@code NBD_OPT_GO}) or leaves. Runs on the
 * connection's event loop only. Not on the hot path: it accumulates input in one buffer for simplicity.
 */
final class NbdHandshake {
    /** Largest option payload read whole; longer ones are skipped and answered with ERR_TOO_BIG. */
    static final int MAX_OPTION_BYTES = 16 * 1024;
    private static final int MAX_NAME_BYTES = 4096;

    /** What the handshake reports to its connection. */
    interface Listener {
        /** The client chose {@code volume}; {@code leftover} holds bytes already received after the handshake. */
        void transmission(BlockVolume volume, boolean structuredReplies, Buffer leftover);

        /** The handshake ended without an export (abort, protocol violation, unknown export name). */
        void close(String reason);
    }

    private enum State { CLIENT_FLAGS, OPTION_HEADER, OPTION_DATA, DISCARD, DONE }

    private final NetSocket socket;
    private final VolumeResolver resolver;
    private final NbdServerOptions options;
    private final Listener listener;

    private Buffer input = Buffer.buffer(64);
    private int pos;
    private State state = State.CLIENT_FLAGS;
    private boolean noZeroes;
    private boolean structuredReplies;
    private int option;
    private long optionLength;
    private long discardRemaining;

    NbdHandshake(NetSocket socket, VolumeResolver resolver, NbdServerOptions options, Listener listener) {
        this.socket = socket;
        this.resolver = resolver;
        this.options = options;
        this.listener = listener;
    }

    /** Sends the server greeting. */
    void begin() {
        socket.write(Buffer.buffer(18).appendLong(NBDMAGIC).appendLong(IHAVEOPT)
                .appendShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)));
    }

    /** Feeds bytes received from the client. */
    void onData(Buffer chunk) {
        if (state == State.DONE) {
            return;
        }
        if (state == State.DISCARD) {
            int skip = (int) Math.min(discardRemaining, chunk.length());
            discardRemaining -= skip;
            if (discardRemaining > 0) {
                return;
            }
            optionReply(option, REP_ERR_TOO_BIG, message("option data too long"));
            state = State.OPTION_HEADER;
            chunk = chunk.slice(skip, chunk.length());
        }
        input.appendBuffer(chunk);
        while (state != State.DONE && state != State.DISCARD && step()) {
            // step() consumed one unit of input
        }
        if (state == State.DONE) {
            return;
        }
        if (pos > 0) { // keep only the unread tail
            input = input.getBuffer(pos, input.length());
            pos = 0;
        }
    }

    private int available() {
        return input.length() - pos;
    }

    /** Parses one unit if enough input is there; false when it needs more bytes. */
    private boolean step() {
        switch (state) {
            case CLIENT_FLAGS -> {
                if (available() < 4) {
                    return false;
                }
                int flags = input.getInt(pos);
                pos += 4;
                if ((flags & ~(CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES)) != 0) {
                    fail("unknown client flags 0x" + Integer.toHexString(flags));
                    return false;
                }
                noZeroes = (flags & CLIENT_FLAG_NO_ZEROES) != 0;
                state = State.OPTION_HEADER;
                return true;
            }
            case OPTION_HEADER -> {
                if (available() < 16) {
                    return false;
                }
                long magic = input.getLong(pos);
                option = input.getInt(pos + 8);
                optionLength = input.getUnsignedInt(pos + 12);
                pos += 16;
                if (magic != IHAVEOPT) {
                    fail("bad option magic");
                    return false;
                }
                if (optionLength > MAX_OPTION_BYTES) {
                    if (option == OPT_EXPORT_NAME) {
                        fail("export name too long");
                        return false;
                    }
                    long inHand = Math.min(available(), optionLength);
                    pos += (int) inHand;
                    discardRemaining = optionLength - inHand;
                    if (discardRemaining > 0) {
                        state = State.DISCARD;
                        return false;
                    }
                    optionReply(option, REP_ERR_TOO_BIG, message("option data too long"));
                    return true;
                }
                state = State.OPTION_DATA;
                return true;
            }
            case OPTION_DATA -> {
                if (available() < optionLength) {
                    return false;
                }
                int start = pos;
                pos += (int) optionLength;
                state = State.OPTION_HEADER;
                handleOption(input.slice(start, pos));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void handleOption(Buffer data) {
        switch (option) {
            case OPT_EXPORT_NAME -> exportName(data);
            case OPT_ABORT -> {
                optionReply(OPT_ABORT, REP_ACK, null);
                state = State.DONE;
                listener.close("client aborted the handshake");
            }
            case OPT_LIST -> list(data);
            case OPT_STRUCTURED_REPLY -> {
                if (data.length() != 0) {
                    optionReply(option, REP_ERR_INVALID, message("NBD_OPT_STRUCTURED_REPLY takes no data"));
                } else {
                    structuredReplies = true;
                    optionReply(option, REP_ACK, null);
                }
            }
            case OPT_INFO, OPT_GO -> infoOrGo(data, option == OPT_GO);
            default -> optionReply(option, REP_ERR_UNSUP, message("option not supported"));
        }
    }

    private void exportName(Buffer data) {
        BlockVolume volume = resolve(data.toString(StandardCharsets.UTF_8));
        if (volume == null) {
            // NBD_OPT_EXPORT_NAME cannot carry an error: the protocol asks to drop the connection.
            fail("unknown export");
            return;
        }
        Buffer reply = Buffer.buffer(noZeroes ? 10 : 134)
                .appendLong(volume.sizeBytes())
                .appendShort((short) transmissionFlags());
        if (!noZeroes) {
            reply.appendBytes(new byte[124]);
        }
        socket.write(reply);
        enterTransmission(volume);
    }

    private void list(Buffer data) {
        if (data.length() != 0) {
            optionReply(OPT_LIST, REP_ERR_INVALID, message("NBD_OPT_LIST takes no data"));
            return;
        }
        List<String> names = resolver.names();
        for (String name : names) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            optionReply(OPT_LIST, REP_SERVER, Buffer.buffer(4 + bytes.length).appendInt(bytes.length).appendBytes(bytes));
        }
        optionReply(OPT_LIST, REP_ACK, null);
    }

    private void infoOrGo(Buffer data, boolean go) {
        // Layout: u32 name length, name, u16 count of info requests, u16 each.
        if (data.length() < 6) {
            optionReply(option, REP_ERR_INVALID, message("option data too short"));
            return;
        }
        long nameLength = data.getUnsignedInt(0);
        if (nameLength > MAX_NAME_BYTES || 4 + nameLength + 2 > data.length()) {
            optionReply(option, REP_ERR_INVALID, message("bad export name length"));
            return;
        }
        int n = (int) nameLength;
        int requests = data.getUnsignedShort(4 + n);
        if (4 + n + 2 + 2L * requests != data.length()) {
            optionReply(option, REP_ERR_INVALID, message("option length does not match its content"));
            return;
        }
        String name = data.getString(4, 4 + n, "UTF-8");
        BlockVolume volume = resolve(name);
        if (volume == null) {
            optionReply(option, REP_ERR_UNKNOWN, message("unknown export: " + name));
            return;
        }
        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < requests; i++) {
            int type = data.getUnsignedShort(4 + n + 2 + 2 * i);
            wantName |= type == INFO_NAME;
            wantDescription |= type == INFO_DESCRIPTION;
        }
        optionReply(option, REP_INFO, Buffer.buffer(12).appendShort((short) INFO_EXPORT)
                .appendLong(volume.sizeBytes()).appendShort((short) transmissionFlags()));
        if (wantName) {
            byte[] bytes = volume.name().getBytes(StandardCharsets.UTF_8);
            optionReply(option, REP_INFO, Buffer.buffer(2 + bytes.length).appendShort((short) INFO_NAME).appendBytes(bytes));
        }
        if (wantDescription) {
            byte[] bytes = ("ShardGate volume " + volume.name()).getBytes(StandardCharsets.UTF_8);
            optionReply(option, REP_INFO,
                    Buffer.buffer(2 + bytes.length).appendShort((short) INFO_DESCRIPTION).appendBytes(bytes));
        }
        // Block sizes are sent even unasked: the minimum is 1, so no client can be surprised by them.
        int preferred = Math.min(Math.max(volume.blockSize(), 1), options.getMaxPayloadBytes());
        optionReply(option, REP_INFO, Buffer.buffer(14).appendShort((short) INFO_BLOCK_SIZE)
                .appendInt(1).appendInt(preferred).appendInt(options.getMaxPayloadBytes()));
        optionReply(option, REP_ACK, null);
        if (go) {
            enterTransmission(volume);
        }
    }

    private BlockVolume resolve(String name) {
        String effective = name;
        if (name.isEmpty()) {
            effective = options.getDefaultExport();
            if (effective == null) {
                return null;
            }
        }
        return resolver.open(effective);
    }

    private int transmissionFlags() {
        int flags = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_TRIM
                | TFLAG_SEND_WRITE_ZEROES | TFLAG_CAN_MULTI_CONN;
        return structuredReplies ? flags | TFLAG_SEND_DF : flags;
    }

    private void enterTransmission(BlockVolume volume) {
        state = State.DONE;
        Buffer leftover = pos < input.length() ? input.getBuffer(pos, input.length()) : null;
        listener.transmission(volume, structuredReplies, leftover);
    }

    private void fail(String reason) {
        state = State.DONE;
        listener.close(reason);
    }

    private void optionReply(int opt, int type, Buffer data) {
        int length = data == null ? 0 : data.length();
        Buffer reply = Buffer.buffer(20 + length).appendLong(OPTION_REPLY_MAGIC).appendInt(opt).appendInt(type)
                .appendInt(length);
        if (data != null) {
            reply.appendBuffer(data);
        }
        socket.write(reply);
    }

    private static Buffer message(String text) {
        return Buffer.buffer(text);
    }
}
