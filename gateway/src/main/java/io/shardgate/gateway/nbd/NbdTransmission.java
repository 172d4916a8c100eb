package io.shardgate.gateway.nbd;

import io.shardgate.gateway.io.BlockVolume;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.shardgate.gateway.nbd.NbdProtocol.*;

/**
 * The transmission phase of one connection: decodes requests from the socket's buffers, runs them
 * concurrently against the volume and writes each reply as soon as its request completes (out of order,
 * matched by handle).
 *
 * <p>Threading: every method runs on the connection's event loop; volume futures completing on other
 * threads are brought back to it. Back-pressure: at most {@code maxInFlight} requests run at once and
 * nothing is decoded while the socket's write queue is full; the socket is paused meanwhile, and the
 * unread part of the current buffer is kept for later.
 *
 * <p>Copies: a request header is decoded in place from the socket buffer; a WRITE payload that arrived
 * whole in one socket buffer is passed to the volume as a slice of it (no copy), otherwise it is gathered
 * once into a buffer of its size. Replies are encoded by {@link NbdReplyWriter} (one copy of READ data).
 */
final class NbdTransmission {
    private static final Logger LOG = LoggerFactory.getLogger(NbdTransmission.class);

    private final NetSocket socket;
    private final Context context;
    private final Thread eventLoopThread;
    private final BlockVolume volume;
    private final String volumeName;
    private final boolean structured;
    private final int maxPayload;
    private final int maxInFlight;
    private final NbdMetrics metrics;
    private final NbdReplyWriter replies;

    /** Header bytes gathered across socket buffers (only when a header is split). */
    private final byte[] splitHeader = new byte[REQUEST_HEADER_BYTES];
    private int splitHeaderFill;
    /** A WRITE whose payload is still arriving, and that payload so far. */
    private NbdRequest pendingWrite;
    private Buffer pendingPayload;
    /** The socket buffer being decoded and the read position in it. */
    private Buffer current;
    private int position;

    private int inFlight;
    private boolean paused;
    private boolean waitingForDrain;
    /** No more requests are decoded: the client sent DISC, or the server decided to close. */
    private boolean closing;
    private boolean closed;

    NbdTransmission(NetSocket socket, Context context, BlockVolume volume, boolean structured,
                    NbdServerOptions options) {
        this.socket = socket;
        this.context = context;
        this.eventLoopThread = Thread.currentThread();
        this.volume = volume;
        this.volumeName = volume.name();
        this.structured = structured;
        this.maxPayload = options.getMaxPayloadBytes();
        this.maxInFlight = options.getMaxInFlight();
        this.metrics = options.getMetrics();
        this.replies = new NbdReplyWriter(socket);
    }

    /** Requests in progress (for tests and diagnostics). */
    int inFlight() {
        return inFlight;
    }

    /** The socket closed: drop any unread input, late completions only count metrics. */
    void onClosed() {
        closed = true;
        closing = true;
        current = null;
        pendingPayload = null;
    }

    /** Feeds one socket buffer. */
    void onData(Buffer chunk) {
        if (closing) {
            return;
        }
        if (current != null) {
            // Input arrived while an earlier buffer is still partly unread (the socket was paused just as it
            // was delivering): keep the order by joining them. Rare, so the copy does not matter.
            current = Buffer.buffer(current.length() - position + chunk.length())
                    .appendBuffer(current, position, current.length() - position).appendBuffer(chunk);
        } else {
            current = chunk;
        }
        position = 0;
        decode();
        if (paused) {
            socket.pause();
        }
    }

    private void decode() {
        while (current != null && !closing) {
            if (pendingWrite != null) {
                fillPayload();
            } else if (inFlight >= maxInFlight || waitingForDrain) {
                paused = true;
                return;
            } else {
                decodeHeader();
            }
            if (current != null && position >= current.length()) {
                current = null;
            }
        }
    }

    private void decodeHeader() {
        int available = current.length() - position;
        if (splitHeaderFill == 0 && available >= REQUEST_HEADER_BYTES) {
            int at = position;
            position += REQUEST_HEADER_BYTES;
            onHeader(current, at);
            return;
        }
        int n = Math.min(available, REQUEST_HEADER_BYTES - splitHeaderFill);
        current.getBytes(position, position + n, splitHeader, splitHeaderFill);
        position += n;
        splitHeaderFill += n;
        if (splitHeaderFill == REQUEST_HEADER_BYTES) {
            splitHeaderFill = 0;
            onHeader(Buffer.buffer(splitHeader), 0);
        }
    }

    private void onHeader(Buffer b, int at) {
        long start = System.nanoTime();
        if (b.getInt(at) != REQUEST_MAGIC) {
            LOG.debug("closing NBD connection on {}: bad request magic", volumeName);
            closeNow();
            return;
        }
        NbdRequest r = new NbdRequest(b.getUnsignedShort(at + 4), b.getUnsignedShort(at + 6), b.getLong(at + 8),
                b.getLong(at + 16), b.getUnsignedInt(at + 24), start);
        if (r.type != CMD_WRITE) {
            execute(r, null);
            return;
        }
        if (r.length > maxPayload) {
            // The client broke the advertised maximum block size; reading (or skipping) up to 4 GiB of
            // payload is not worth it: answer, then end the connection (the protocol allows it).
            inFlight++;
            reply(r, structured ? EOVERFLOW : EINVAL, "write larger than the maximum payload", null);
            closing = true;
            closeIfDone();
            return;
        }
        int len = (int) r.length;
        if (current.length() - position >= len) {
            Buffer payload = current.slice(position, position + len);
            position += len;
            execute(r, payload);
        } else {
            pendingWrite = r;
            pendingPayload = Buffer.buffer(len);
        }
    }

    private void fillPayload() {
        int missing = (int) pendingWrite.length - pendingPayload.length();
        int n = Math.min(missing, current.length() - position);
        pendingPayload.appendBuffer(current, position, n);
        position += n;
        if (n == missing) {
            NbdRequest r = pendingWrite;
            Buffer payload = pendingPayload;
            pendingWrite = null;
            pendingPayload = null;
            execute(r, payload);
        }
    }

    /** Validates and starts one request; its reply is written when it completes. */
    private void execute(NbdRequest r, Buffer payload) {
        if (r.type == CMD_DISC) {
            closing = true;
            closeIfDone();
            return;
        }
        inFlight++;
        int errno = validate(r);
        if (errno != 0) {
            reply(r, errno, "invalid request", null);
            return;
        }
        Future<?> future;
        try {
            future = start(r, payload);
        } catch (RuntimeException e) { // a volume must not throw, but one that does fails only this request
            reply(r, NbdErrors.errnoOf(e, r.writeLike()), e.getMessage(), null);
            return;
        }
        future.onComplete(ar -> {
            if (Thread.currentThread() == eventLoopThread) {
                complete(r, ar);
            } else {
                context.runOnContext(v -> complete(r, ar));
            }
        });
    }

    private Future<?> start(NbdRequest r, Buffer payload) {
        boolean fua = (r.flags & CMD_FLAG_FUA) != 0;
        return switch (r.type) {
            case CMD_READ -> volume.read(r.offset, (int) r.length);
            case CMD_WRITE -> volume.write(r.offset, payload, fua);
            case CMD_FLUSH -> volume.flush();
            case CMD_TRIM -> volume.trim(r.offset, r.length);
            case CMD_WRITE_ZEROES -> volume.writeZeroes(r.offset, r.length, fua);
            default -> throw new IllegalStateException("validated command " + r.type);
        };
    }

    /** 0 if the request may run, else the NBD error to answer with. */
    private int validate(NbdRequest r) {
        int allowedFlags;
        switch (r.type) {
            case CMD_READ -> allowedFlags = CMD_FLAG_FUA | (structured ? CMD_FLAG_DF : 0);
            case CMD_WRITE, CMD_TRIM, CMD_FLUSH -> allowedFlags = CMD_FLAG_FUA;
            case CMD_WRITE_ZEROES -> allowedFlags = CMD_FLAG_FUA | CMD_FLAG_NO_HOLE; // we always allocate: NO_HOLE holds
            default -> {
                return EINVAL;
            }
        }
        if ((r.flags & ~allowedFlags) != 0) {
            return EINVAL;
        }
        if (r.type == CMD_FLUSH) {
            return 0;
        }
        if (r.length == 0) {
            return EINVAL;
        }
        if (r.type == CMD_READ && r.length > maxPayload) {
            return structured ? EOVERFLOW : EINVAL;
        }
        long size = volume.sizeBytes();
        // Unsigned offset: negative means >= 2^63. Written so that offset + length cannot overflow.
        if (r.offset < 0 || r.offset > size || r.length > size - r.offset) {
            return r.writeLike() ? ENOSPC : EINVAL;
        }
        return 0;
    }

    private void complete(NbdRequest r, AsyncResult<?> ar) {
        if (ar.succeeded()) {
            Buffer data = r.type == CMD_READ ? (Buffer) ar.result() : null;
            if (data != null && data.length() != r.length) {
                reply(r, EIO, "volume returned a short read", null);
            } else {
                reply(r, 0, null, data);
            }
        } else {
            Throwable cause = ar.cause();
            int errno = NbdErrors.errnoOf(cause, r.writeLike());
            if (errno == EIO) {
                LOG.warn("NBD {} on volume {} failed", r.op(), volumeName, cause);
            }
            reply(r, errno, cause.getMessage(), null);
        }
    }

    /** Writes the reply of a request counted in {@link #inFlight}, then releases its slot. */
    private void reply(NbdRequest r, int errno, String message, Buffer readData) {
        if (!closed) {
            if (errno != 0) {
                if (structured && r.type == CMD_READ) {
                    replies.structuredError(r.handle, errno, message);
                } else {
                    replies.simple(r.handle, errno);
                }
            } else if (readData != null) {
                replies.read(structured, r.handle, r.offset, readData);
            } else {
                replies.simple(r.handle, 0);
            }
            if (!waitingForDrain && socket.writeQueueFull()) {
                waitingForDrain = true;
                socket.drainHandler(v -> {
                    waitingForDrain = false;
                    resumeIfPossible();
                });
            }
        }
        inFlight--;
        try {
            metrics.onRequest(volumeName, r.op(), r.type == CMD_FLUSH ? 0 : r.length, System.nanoTime() - r.startNanos,
                    errno);
        } catch (RuntimeException e) {
            LOG.warn("NBD metrics hook failed", e);
        }
        if (closing) {
            closeIfDone();
        } else {
            resumeIfPossible();
        }
    }

    private void resumeIfPossible() {
        if (!paused || closing || inFlight >= maxInFlight || waitingForDrain) {
            return;
        }
        paused = false;
        decode();
        if (!paused && !closing) {
            socket.resume();
        }
    }

    private void closeIfDone() {
        if (inFlight == 0 && !closed) {
            closed = true;
            socket.end(); // flushes queued replies, then closes
        }
    }

    private void closeNow() {
        closing = true;
        current = null;
        if (!closed) {
            closed = true;
            socket.close();
        }
    }
}
