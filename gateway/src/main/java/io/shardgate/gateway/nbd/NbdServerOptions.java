package io.shardgate.gateway.nbd;

import java.time.Duration;
import java.util.Objects;

/**
 * Typed, validated settings of an {@link NbdServer}. Each setter checks its value at once and throws
 * {@link IllegalArgumentException} naming the setting. Not thread-safe: build it, then hand it to the
 * server, which takes a copy.
 */
public final class NbdServerOptions {
    /** The IANA port of NBD. */
    public static final int DEFAULT_PORT = 10809;
    /** Default maximum payload of one READ or WRITE: 32 MiB, as many NBD servers use. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 32 << 20;
    /** Largest accepted maximum payload: 256 MiB. */
    public static final int MAX_MAX_PAYLOAD_BYTES = 256 << 20;

    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxInFlight = 64;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private String defaultExport;
    private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private NbdMetrics metrics = NbdMetrics.NONE;

    public NbdServerOptions() {
    }

    /** A copy of {@code other}. */
    public NbdServerOptions(NbdServerOptions other) {
        this.host = other.host;
        this.port = other.port;
        this.maxPayloadBytes = other.maxPayloadBytes;
        this.maxInFlight = other.maxInFlight;
        this.handshakeTimeout = other.handshakeTimeout;
        this.defaultExport = other.defaultExport;
        this.eventLoops = other.eventLoops;
        this.metrics = other.metrics;
    }

    /** Address to bind; default {@code 127.0.0.1}. */
    public NbdServerOptions setHost(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("nbd.host must not be empty");
        }
        this.host = host;
        return this;
    }

    /** TCP port, 0 for any free port (see {@link NbdServer#start()}); default 10809. */
    public NbdServerOptions setPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("nbd.port must be in [0, 65535], got " + port);
        }
        this.port = port;
        return this;
    }

    /**
     * Largest READ or WRITE payload in bytes, advertised as the maximum block size; a power of two between
     * 64 KiB and 256 MiB; default 32 MiB. A larger WRITE is refused and its connection closed.
     */
    public NbdServerOptions setMaxPayloadBytes(int maxPayloadBytes) {
        if (maxPayloadBytes < (64 << 10) || maxPayloadBytes > MAX_MAX_PAYLOAD_BYTES
                || Integer.bitCount(maxPayloadBytes) != 1) {
            throw new IllegalArgumentException(
                    "nbd.maxPayloadBytes must be a power of two in [65536, 268435456], got " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        return this;
    }

    /** Requests one connection may have in progress before the server stops reading it; 1..4096, default 64. */
    public NbdServerOptions setMaxInFlight(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > 4096) {
            throw new IllegalArgumentException("nbd.maxInFlight must be in [1, 4096], got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /** Time a client has from connecting to entering transmission; 100 ms..10 min, default 10 s. */
    public NbdServerOptions setHandshakeTimeout(Duration handshakeTimeout) {
        Objects.requireNonNull(handshakeTimeout, "nbd.handshakeTimeout");
        if (handshakeTimeout.toMillis() < 100 || handshakeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("nbd.handshakeTimeout must be in [100ms, 10min], got "
                    + handshakeTimeout);
        }
        this.handshakeTimeout = handshakeTimeout;
        return this;
    }

    /** Volume served to a client asking for the empty export name; {@code null} (default) for none. */
    public NbdServerOptions setDefaultExport(String defaultExport) {
        if (defaultExport != null && (defaultExport.isEmpty() || defaultExport.length() > 4096)) {
            throw new IllegalArgumentException("nbd.defaultExport must be null or 1..4096 characters");
        }
        this.defaultExport = defaultExport;
        return this;
    }

    /** Event loops (server instances) accepting connections; 1..64, default the number of processors. */
    public NbdServerOptions setEventLoops(int eventLoops) {
        if (eventLoops < 1 || eventLoops > 64) {
            throw new IllegalArgumentException("nbd.eventLoops must be in [1, 64], got " + eventLoops);
        }
        this.eventLoops = eventLoops;
        return this;
    }

    /** Per-request callback; default {@link NbdMetrics#NONE}. */
    public NbdServerOptions setMetrics(NbdMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "nbd.metrics");
        return this;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    /** The default export, or {@code null}. */
    public String getDefaultExport() {
        return defaultExport;
    }

    public int getEventLoops() {
        return eventLoops;
    }

    public NbdMetrics getMetrics() {
        return metrics;
    }
}
