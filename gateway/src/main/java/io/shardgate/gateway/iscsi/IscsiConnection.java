package io.shardgate.gateway.iscsi;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.shardgate.gateway.io.BlockVolume;
import io.shardgate.gateway.io.VolumeResolver;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static io.shardgate.gateway.iscsi.IscsiProtocol.*;

/**
 * One iSCSI connection (and its session: MaxConnections is 1): login, then full-feature phase with SCSI commands,
 * the R2T/Data-Out flow, Data-In with phase collapse, NOP, text (SendTargets), task management and logout.
 *
 * <p>Threading: every method runs on the socket's event loop; volume futures completing elsewhere are brought back
 * with one {@code runOnContext}. Commands run concurrently and are answered as they complete. Back-pressure: the
 * CmdSN window ({@link IscsiServerOptions#getCommandWindow()}) bounds the commands an initiator may send; reading
 * pauses while the socket's write queue is full.
 *
 * <p>Errors: a PDU that breaks the protocol (bad digest, out-of-order or excess data, unknown task tag of a running
 * command, login PDU in full-feature phase) gets a Reject when the framing is intact, then the connection closes
 * (error recovery level 0). Tasks already handed to the volume finish, their responses are dropped. No invalid
 * command reaches the volume.
 */
final class IscsiConnection {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiConnection.class);
    private static final Buffer EMPTY = Buffer.buffer(0);

    private final NetSocket socket;
    private final Context context;
    private final Thread eventLoopThread;
    private final Vertx vertx;
    private final IscsiServerOptions options;
    private final VolumeResolver resolver;
    private final TargetRegistry registry;
    private final PduDecoder decoder;
    private final PduWriter writer;
    private final long loginTimer;
    private final int window;

    private LoginHandler login;
    private SessionParameters params;
    private boolean discovery;
    private BlockVolume volume;
    private ScsiTarget target;
    private int tsih;
    private int cid;

    private int statSN = 1;
    private int expCmdSN;
    private int maxCmdSN;
    private int outstanding;
    private int nextTag = 1;
    private final IntObjectHashMap<ScsiTask> tasks = new IntObjectHashMap<>();
    /** A SendTargets answer longer than one PDU: the rest, and the tag the initiator continues with. */
    private Buffer textRest;
    private int textTag = RESERVED_TAG;
    private Buffer textPartial;
    /** Logout received: answered once every task has finished. */
    private Pdu logout;

    private boolean paused;
    private boolean closed;

    IscsiConnection(Vertx vertx, NetSocket socket, VolumeResolver resolver, IscsiServerOptions options,
                    TargetRegistry registry) {
        this.vertx = vertx;
        this.socket = socket;
        this.context = vertx.getOrCreateContext();
        this.eventLoopThread = Thread.currentThread();
        this.options = options;
        this.resolver = resolver;
        this.registry = registry;
        this.window = options.getCommandWindow();
        this.decoder = new PduDecoder(LOGIN_MAX_DATA);
        this.writer = new PduWriter(socket);
        this.login = new LoginHandler(options, resolver);
        this.loginTimer = vertx.setTimer(options.getLoginTimeout().toMillis(), id -> {
            if (params == null && !closed) {
                LOG.debug("iSCSI initiator {} stalled in login: closing", socket.remoteAddress());
                close();
            }
        });
        socket.handler(this::onData);
        socket.exceptionHandler(e -> LOG.debug("iSCSI connection {} failed", socket.remoteAddress(), e));
        socket.closeHandler(v -> onClosed());
    }

    private void onData(Buffer chunk) {
        if (closed) {
            return;
        }
        decoder.feed(chunk);
        pump();
    }

    private void pump() {
        try {
            while (!closed && !paused) {
                Pdu pdu = decoder.next();
                if (pdu == null) {
                    return;
                }
                if (params == null) {
                    onLogin(pdu);
                } else {
                    onPdu(pdu);
                }
                if (!closed && socket.writeQueueFull()) {
                    pauseUntilDrained();
                }
            }
        } catch (IscsiProtocolException e) {
            LOG.debug("iSCSI connection {}: {}; closing", socket.remoteAddress(), e.getMessage());
            close();
        } catch (RuntimeException e) {
            // A bug must cost this connection only.
            LOG.error("iSCSI connection {} failed while decoding: closing it", socket.remoteAddress(), e);
            close();
        }
    }

    private void pauseUntilDrained() {
        paused = true;
        socket.pause();
        socket.drainHandler(v -> {
            paused = false;
            socket.resume();
            pump();
        });
    }

    // ----- login phase -----

    private void onLogin(Pdu pdu) {
        if (pdu.opcode() != OP_LOGIN_REQ) {
            throw new IscsiProtocolException("opcode " + pdu.opcode() + " before login completed");
        }
        boolean firstRequest = expCmdSN == 0 && maxCmdSN == 0;
        if (firstRequest) {
            expCmdSN = pdu.intAt(24);
            maxCmdSN = expCmdSN + window - 1;
            cid = pdu.bhs.getUnsignedShort(20);
        }
        LoginHandler.Reply reply = login.onRequest(pdu);
        if (reply.complete) {
            tsih = registry.nextTsih();
        }
        Buffer text = reply.keys.encode();
        int flags = (reply.transit ? LOGIN_TRANSIT : 0) | (reply.currentStage << 2) | (reply.transit ? reply.nextStage : 0);
        ByteBuf out = writer.begin(OP_LOGIN_RSP, flags, text.length());
        out.setBytes(8, pdu.bhs.getBytes(8, 14));
        out.setShort(14, tsih);
        out.setInt(16, pdu.itt());
        out.setInt(24, statSN++);
        out.setInt(28, expCmdSN);
        out.setInt(32, maxCmdSN);
        out.setShort(36, reply.status);
        writer.finish(out, text, 0, text.length());
        if (reply.failed()) {
            LOG.debug("iSCSI login from {} refused with status 0x{}", socket.remoteAddress(),
                    Integer.toHexString(reply.status));
            closeAfterFlush();
            return;
        }
        if (reply.complete) {
            enterFullFeature();
        }
    }

    private void enterFullFeature() {
        vertx.cancelTimer(loginTimer);
        params = login.parameters();
        discovery = login.discovery();
        volume = login.volume();
        LOG.debug("iSCSI {} logged in from {} ({}): header digest {}, data digest {}, MaxBurstLength {},"
                + " FirstBurstLength {}, InitialR2T {}, ImmediateData {}, initiator MaxRecvDataSegmentLength {}",
                volume == null ? "discovery session" : volume.name(), login.initiatorName(), socket.remoteAddress(),
                params.headerDigest, params.dataDigest, params.maxBurstLength, params.firstBurstLength,
                params.initialR2T, params.immediateData, params.initiatorMaxRecvDataSegment);
        login = null;
        decoder.configure(params.targetMaxRecvDataSegment, params.headerDigest, params.dataDigest);
        writer.configure(params.headerDigest, params.dataDigest);
        if (volume != null) {
            ScsiPages pages = new ScsiPages(volume.name(), options.targetName(volume.name()), volume.blockSize(),
                    options.getMaxTransferBytes());
            target = new ScsiTarget(volume, pages, registry.unit(volume.name()));
        }
    }

    // ----- full-feature phase -----

    private void onPdu(Pdu pdu) {
        int opcode = pdu.opcode();
        if (pdu.dataDigestError) {
            reject(pdu, REJECT_DATA_DIGEST);
            throw new IscsiProtocolException("data digest mismatch");
        }
        if (logout != null) {
            throw new IscsiProtocolException("PDU after logout");
        }
        if (opcode != OP_DATA_OUT && opcode != OP_SNACK && !pdu.immediate()) {
            int cmdSN = pdu.intAt(24);
            if (cmdSN - expCmdSN < 0 || cmdSN - maxCmdSN > 0) {
                LOG.debug("iSCSI {}: CmdSN outside the window: PDU ignored", socket.remoteAddress());
                return; // RFC 7143 3.2.2.1: outside [ExpCmdSN, MaxCmdSN] is silently ignored
            }
            advanceCmdSN(cmdSN);
        }
        switch (opcode) {
            case OP_SCSI_CMD -> onCommand(pdu);
            case OP_DATA_OUT -> onDataOut(pdu);
            case OP_NOP_OUT -> onNopOut(pdu);
            case OP_TEXT_REQ -> onText(pdu);
            case OP_TMF_REQ -> onTaskManagement(pdu);
            case OP_LOGOUT_REQ -> onLogout(pdu);
            case OP_SNACK -> reject(pdu, REJECT_SNACK); // error recovery level 0
            case OP_LOGIN_REQ -> {
                reject(pdu, REJECT_PROTOCOL_ERROR);
                throw new IscsiProtocolException("login request in full-feature phase");
            }
            default -> reject(pdu, REJECT_NOT_SUPPORTED);
        }
    }

    private void advanceCmdSN(int cmdSN) {
        if (cmdSN == expCmdSN) {
            expCmdSN++;
        }
    }

    /** Writes StatSN (advancing it when {@code advance}), ExpCmdSN and MaxCmdSN at bytes 24..35. */
    private void sequence(ByteBuf out, boolean advance) {
        out.setInt(24, advance ? statSN++ : statSN);
        out.setInt(28, expCmdSN);
        int max = expCmdSN + window - 1 - outstanding;
        if (max - maxCmdSN > 0) {
            maxCmdSN = max; // never moves back
        }
        out.setInt(32, maxCmdSN);
    }

    private void reject(Pdu pdu, int reason) {
        if (closed) {
            return;
        }
        ByteBuf out = writer.begin(OP_REJECT, FLAG_FINAL, BHS_BYTES);
        out.setByte(2, reason);
        out.setInt(16, RESERVED_TAG);
        sequence(out, true);
        writer.finish(out, pdu.bhs, 0, BHS_BYTES);
    }

    private void protocolError(Pdu pdu, String why) {
        reject(pdu, REJECT_PROTOCOL_ERROR);
        throw new IscsiProtocolException(why);
    }

    private void onCommand(Pdu pdu) {
        if (target == null) {
            reject(pdu, REJECT_NOT_SUPPORTED); // discovery sessions carry no SCSI commands
            return;
        }
        int itt = pdu.itt();
        if (itt == RESERVED_TAG || tasks.containsKey(itt)) {
            protocolError(pdu, "task tag in use");
        }
        int flags = pdu.flags();
        int edtl = pdu.intAt(20);
        boolean reads = (flags & CMD_READ) != 0;
        boolean writes = (flags & CMD_WRITE) != 0;
        int immediate = pdu.data.length();
        if (edtl < 0 || (immediate > 0 && (!writes || !params.immediateData || immediate > edtl
                || immediate > params.firstBurstLength))) {
            protocolError(pdu, "immediate data not allowed or larger than expected");
        }
        ScsiTask t = new ScsiTask(itt, pdu.lun(), pdu.bhs.slice(32, 48), edtl, reads, writes, !pdu.immediate());
        if (t.windowed) {
            outstanding++;
            if (outstanding > 2 * window) {
                protocolError(pdu, "initiator ignores MaxCmdSN");
            }
        }
        tasks.put(itt, t);
        if (pdu.ahs != null || (reads && writes)) {
            finish(t, ScsiResult.invalidField()); // extended CDBs and bidirectional commands are not supported
            return;
        }
        if (!writes || edtl == 0) {
            run(t, EMPTY);
            return;
        }
        if (edtl > maxDataOut()) {
            finish(t, ScsiResult.invalidField()); // later unsolicited Data-Out for it is dropped as unknown
            return;
        }
        if (immediate == edtl) {
            run(t, pdu.data); // a slice of the socket buffer: no copy
            return;
        }
        t.dataOut = Buffer.buffer(edtl);
        if (immediate > 0) {
            t.dataOut.appendBuffer(pdu.data);
        }
        t.received = immediate;
        t.unsolicitedEnd = params.initialR2T || pdu.isFinal() ? immediate : Math.min(params.firstBurstLength, edtl);
        if (t.received >= t.unsolicitedEnd) {
            t.unsolicitedEnd = t.received;
            sendR2T(t);
        }
    }

    /** Largest Data-Out one command may carry: a maximum write, or a COMPARE AND WRITE of 2 x 128 blocks. */
    private int maxDataOut() {
        return Math.max(options.getMaxTransferBytes(), 2 * ScsiLimits.MAX_COMPARE_AND_WRITE_BLOCKS * 512);
    }

    private void onDataOut(Pdu pdu) {
        ScsiTask t = tasks.get(pdu.itt());
        if (t == null) {
            return; // its command was already answered (refused or aborted): drop the data
        }
        if (t.running || t.dataOut == null) {
            protocolError(pdu, "Data-Out for a command that expects none");
        }
        int ttt = pdu.intAt(20);
        int offset = pdu.intAt(40);
        int length = pdu.data.length();
        int end = ttt == RESERVED_TAG ? t.unsolicitedEnd : t.r2tEnd;
        if ((ttt != RESERVED_TAG && ttt != t.r2tTag) || offset != t.received || length > end - offset
                || pdu.intAt(36) != t.dataSequence) {
            protocolError(pdu, "Data-Out out of order or beyond its burst");
        }
        t.dataSequence++;
        t.dataOut.appendBuffer(pdu.data);
        t.received += length;
        if (t.received == t.expectedLength) {
            t.r2tTag = RESERVED_TAG;
            run(t, t.dataOut);
        } else if (ttt == RESERVED_TAG) {
            if (pdu.isFinal() || t.received == t.unsolicitedEnd) {
                t.unsolicitedEnd = t.received;
                sendR2T(t);
            }
        } else if (t.received == t.r2tEnd) {
            sendR2T(t);
        }
    }

    private void sendR2T(ScsiTask t) {
        int tag = nextTag++;
        if (tag == RESERVED_TAG) {
            tag = nextTag++;
        }
        int length = Math.min(params.maxBurstLength, t.expectedLength - t.received);
        t.r2tTag = tag;
        t.r2tEnd = t.received + length;
        t.dataSequence = 0;
        ByteBuf out = writer.begin(OP_R2T, FLAG_FINAL, 0);
        out.setLong(8, t.lun);
        out.setInt(16, t.itt);
        out.setInt(20, tag);
        sequence(out, false);
        out.setInt(36, t.r2tSequence++);
        out.setInt(40, t.received);
        out.setInt(44, length);
        writer.finish(out);
    }

    private void run(ScsiTask t, Buffer dataOut) {
        t.running = true;
        Future<ScsiResult> f;
        try {
            f = target.execute(t.cdb, t.lun == 0, dataOut);
        } catch (RuntimeException e) { // a volume must not throw; if one does, this command fails alone
            LOG.warn("SCSI command 0x{} on {} threw", Integer.toHexString(t.cdb.getByte(0) & 0xFF), volume.name(), e);
            f = Future.succeededFuture(ScsiResult.of(e, t.writes));
        }
        f.onComplete(ar -> {
            if (Thread.currentThread() == eventLoopThread) {
                completed(t, ar);
            } else {
                context.runOnContext(v -> completed(t, ar));
            }
        });
    }

    private void completed(ScsiTask t, AsyncResult<ScsiResult> ar) {
        ScsiResult r;
        if (ar.succeeded()) {
            r = ar.result();
        } else {
            LOG.warn("SCSI command on volume {} failed", volume.name(), ar.cause());
            r = ScsiResult.of(ar.cause(), t.writes);
        }
        finish(t, r);
    }

    /** Sends the task's response (unless aborted) and releases its window slot. */
    private void finish(ScsiTask t, ScsiResult r) {
        tasks.remove(t.itt);
        if (t.windowed) {
            outstanding--;
        }
        if (t.aborted) {
            if (t.onAborted != null) {
                t.onAborted.run();
            }
        } else if (!closed) {
            respond(t, r);
        }
        if (logout != null && tasks.isEmpty()) {
            answerLogout();
        }
    }

    private void respond(ScsiTask t, ScsiResult r) {
        Buffer data = r.data();
        long transfer = r.transferBytes() >= 0 ? r.transferBytes() : data == null ? 0 : data.length();
        int edtl = t.expectedLength;
        int residualFlags = 0;
        int residual = 0;
        if (transfer < edtl) {
            residualFlags = RESIDUAL_UNDERFLOW;
            residual = (int) (edtl - transfer);
        } else if (transfer > edtl) {
            residualFlags = RESIDUAL_OVERFLOW;
            residual = (int) Math.min(Integer.MAX_VALUE, transfer - edtl);
        }
        int send = data == null || !t.reads ? 0 : Math.min(data.length(), edtl);
        if (r.status() == ScsiResult.GOOD && send > 0) {
            dataIn(t, data, send, residualFlags, residual);
            return;
        }
        byte[] sense = r.sense();
        int senseLength = sense == null ? 0 : 2 + sense.length;
        ByteBuf out = writer.begin(OP_SCSI_RSP, FLAG_FINAL | residualFlags, senseLength);
        out.setByte(3, r.status());
        out.setInt(16, t.itt);
        sequence(out, true);
        out.setInt(44, residual);
        if (sense != null) {
            Buffer s = Buffer.buffer(senseLength).appendShort((short) sense.length).appendBytes(sense);
            writer.finish(out, s, 0, senseLength);
        } else {
            writer.finish(out);
        }
    }

    /** Data-In PDUs of at most the initiator's MaxRecvDataSegmentLength; the last carries the status. */
    private void dataIn(ScsiTask t, Buffer data, int length, int residualFlags, int residual) {
        int segment = Math.min(params.initiatorMaxRecvDataSegment, params.maxBurstLength);
        int dataSN = 0;
        for (int offset = 0; offset < length; offset += segment) {
            int n = Math.min(segment, length - offset);
            boolean last = offset + n == length;
            boolean endOfBurst = last || (offset + n) % params.maxBurstLength == 0;
            int flags = (endOfBurst ? FLAG_FINAL : 0) | (last ? DATA_STATUS | residualFlags : 0);
            ByteBuf out = writer.begin(OP_DATA_IN, flags, n);
            out.setInt(16, t.itt);
            out.setInt(20, RESERVED_TAG);
            sequence(out, last);
            if (!last) {
                out.setInt(24, 0);
            }
            out.setInt(36, dataSN++);
            out.setInt(40, offset);
            if (last) {
                out.setInt(44, residual);
            }
            writer.finish(out, data, offset, n);
        }
    }

    private void onNopOut(Pdu pdu) {
        if (pdu.itt() == RESERVED_TAG) {
            return; // an answer to a NOP-In of ours, or a ping that wants no answer
        }
        int n = Math.min(pdu.data.length(), params.initiatorMaxRecvDataSegment);
        ByteBuf out = writer.begin(OP_NOP_IN, FLAG_FINAL, n);
        out.setLong(8, pdu.lun());
        out.setInt(16, pdu.itt());
        out.setInt(20, RESERVED_TAG);
        sequence(out, true);
        writer.finish(out, pdu.data, 0, n);
    }

    private void onText(Pdu pdu) {
        int ttt = pdu.intAt(20);
        Buffer answer;
        if (ttt != RESERVED_TAG) {
            if (ttt != textTag || textRest == null) {
                protocolError(pdu, "text continuation with an unknown tag");
            }
            answer = textRest;
        } else {
            if ((pdu.flags() & CONTINUE) != 0) {
                textPartial = textPartial == null ? pdu.data.copy() : textPartial.appendBuffer(pdu.data);
                if (textPartial.length() > 64 << 10) {
                    protocolError(pdu, "text request too long");
                }
                sendText(pdu, EMPTY, false);
                return;
            }
            Buffer all = textPartial == null ? pdu.data : textPartial.appendBuffer(pdu.data);
            textPartial = null;
            answer = textAnswer(TextParameters.parse(all));
        }
        int max = params.initiatorMaxRecvDataSegment;
        if (answer.length() > max) {
            textRest = answer.slice(max, answer.length());
            textTag = nextTag++;
            sendText(pdu, answer.slice(0, max), true);
        } else {
            textRest = null;
            textTag = RESERVED_TAG;
            sendText(pdu, answer, false);
        }
    }

    private void sendText(Pdu pdu, Buffer data, boolean more) {
        ByteBuf out = writer.begin(OP_TEXT_RSP, more ? CONTINUE : FLAG_FINAL, data.length());
        out.setInt(16, pdu.itt());
        out.setInt(20, more ? textTag : RESERVED_TAG);
        sequence(out, true);
        writer.finish(out, data, 0, data.length());
    }

    /** SendTargets: every volume in a discovery session, this session's target in a normal one. */
    private Buffer textAnswer(TextParameters request) {
        TextParameters reply = new TextParameters();
        StringBuilder targets = new StringBuilder();
        for (var e : request.asMap().entrySet()) {
            if (!e.getKey().equals("SendTargets")) {
                reply.put(e.getKey(), "NotUnderstood");
                continue;
            }
            String wanted = e.getValue();
            List<String> names = new ArrayList<>();
            if (discovery && wanted.equals("All")) {
                names.addAll(resolver.names());
            } else if (wanted.isEmpty() && volume != null) {
                names.add(volume.name());
            } else if (wanted.startsWith(options.getIqnPrefix())) {
                String name = wanted.substring(options.getIqnPrefix().length());
                if (resolver.open(name) != null && (discovery || (volume != null && volume.name().equals(name)))) {
                    names.add(name);
                }
            }
            String address = socket.localAddress().host() + ":" + socket.localAddress().port() + ",1";
            for (String name : names) {
                targets.append("TargetName=").append(options.targetName(name)).append('\0')
                        .append("TargetAddress=").append(address).append('\0');
            }
        }
        return Buffer.buffer(targets.toString()).appendBuffer(reply.encode());
    }

    private void onTaskManagement(Pdu pdu) {
        int function = pdu.flags() & 0x7F;
        if (target == null) {
            tmfResponse(pdu, TMF_NOT_SUPPORTED); // discovery session
            return;
        }
        switch (function) {
            case TMF_ABORT_TASK -> {
                ScsiTask t = tasks.get(pdu.intAt(20));
                if (t == null || t.lun != pdu.lun()) {
                    // RFC 7143 11.5.1: a referenced command still missing inside the window counts as received
                    // and aborted; one already answered (below ExpCmdSN) no longer exists.
                    int ref = pdu.intAt(32);
                    boolean missing = ref - expCmdSN >= 0 && maxCmdSN - ref >= 0 && ref - pdu.intAt(24) < 0;
                    tmfResponse(pdu, missing ? TMF_COMPLETE : TMF_NO_TASK);
                } else {
                    abort(List.of(t), () -> tmfResponse(pdu, TMF_COMPLETE));
                }
            }
            case TMF_ABORT_TASK_SET, TMF_CLEAR_TASK_SET, TMF_LUN_RESET, TMF_TARGET_WARM_RESET -> {
                if (function != TMF_TARGET_WARM_RESET && pdu.lun() != 0) {
                    tmfResponse(pdu, TMF_NO_LUN);
                    return;
                }
                List<ScsiTask> all = new ArrayList<>(tasks.values());
                if (function == TMF_LUN_RESET || function == TMF_TARGET_WARM_RESET) {
                    target.reset();
                }
                abort(all, () -> tmfResponse(pdu, TMF_COMPLETE));
            }
            default -> tmfResponse(pdu, TMF_NOT_SUPPORTED);
        }
    }

    /**
     * Aborts tasks: one still gathering data is dropped at once; one running on the volume cannot be recalled, so it
     * finishes without a response and {@code then} runs once the last of them has finished.
     */
    private void abort(List<ScsiTask> victims, Runnable then) {
        int[] running = {0};
        Runnable oneDone = () -> {
            if (--running[0] == 0) {
                then.run();
            }
        };
        for (ScsiTask t : victims) {
            t.aborted = true;
            if (t.running) {
                running[0]++;
                t.onAborted = oneDone;
            } else {
                finish(t, null);
            }
        }
        if (running[0] == 0) {
            then.run();
        }
    }

    private void tmfResponse(Pdu pdu, int response) {
        if (closed) {
            return;
        }
        ByteBuf out = writer.begin(OP_TMF_RSP, FLAG_FINAL, 0);
        out.setByte(2, response);
        out.setInt(16, pdu.itt());
        sequence(out, true);
        writer.finish(out);
    }

    private void onLogout(Pdu pdu) {
        int reason = pdu.flags() & 0x7F;
        if (reason == 2 || (reason == 1 && pdu.bhs.getUnsignedShort(20) != cid)) {
            ByteBuf out = writer.begin(OP_LOGOUT_RSP, FLAG_FINAL, 0);
            out.setByte(2, reason == 2 ? 2 : 1); // recovery not supported / CID not found
            out.setInt(16, pdu.itt());
            sequence(out, true);
            writer.finish(out);
            return;
        }
        logout = pdu;
        if (tasks.isEmpty()) {
            answerLogout();
        } else {
            for (ScsiTask t : new ArrayList<>(tasks.values())) {
                if (!t.running) {
                    t.aborted = true;
                    finish(t, null);
                }
            }
        }
    }

    private void answerLogout() {
        Pdu pdu = logout;
        if (pdu == null || closed) {
            return;
        }
        ByteBuf out = writer.begin(OP_LOGOUT_RSP, FLAG_FINAL, 0);
        out.setInt(16, pdu.itt());
        sequence(out, true);
        out.setShort(40, 2); // Time2Wait
        writer.finish(out);
        closeAfterFlush();
    }

    // ----- closing -----

    private void closeAfterFlush() {
        if (!closed) {
            closed = true;
            socket.end();
        }
    }

    private void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
    }

    private void onClosed() {
        closed = true;
        vertx.cancelTimer(loginTimer);
        tasks.clear(); // running tasks finish on the volume; their completions find the connection closed
    }
}
