package io.shardgate.gateway.iscsi;

import java.time.Duration;
import java.util.Objects;

/**
 * Typed, validated settings of an {@link IscsiServer}. Each setter checks its value at once and throws
 * {@link IllegalArgumentException} naming the setting. Not thread-safe: build it, then hand it to the server, which
 * takes a copy.
 */
public final class IscsiServerOptions {
    /** The IANA port of iSCSI. */
    public static final int DEFAULT_PORT = 3260;
    /** Target names are this prefix followed by the volume name. */
    public static final String DEFAULT_IQN_PREFIX = "iqn.2026-11.io.shardgate:";

    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private String iqnPrefix = DEFAULT_IQN_PREFIX;
    private int maxRecvDataSegmentLength = 256 << 10;
    private int maxBurstLength = 1 << 20;
    private int firstBurstLength = 256 << 10;
    private int maxTransferBytes = 1 << 20;
    private int commandWindow = 64;
    private Duration loginTimeout = Duration.ofSeconds(10);
    private IscsiAuth auth = IscsiAuth.NONE;

    public IscsiServerOptions() {
    }

    /** A copy of {@code other}. */
    public IscsiServerOptions(IscsiServerOptions other) {
        this.host = other.host;
        this.port = other.port;
        this.eventLoops = other.eventLoops;
        this.iqnPrefix = other.iqnPrefix;
        this.maxRecvDataSegmentLength = other.maxRecvDataSegmentLength;
        this.maxBurstLength = other.maxBurstLength;
        this.firstBurstLength = other.firstBurstLength;
        this.maxTransferBytes = other.maxTransferBytes;
        this.commandWindow = other.commandWindow;
        this.loginTimeout = other.loginTimeout;
        this.auth = other.auth;
    }

    private static int check(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Address to bind; default {@code 127.0.0.1}. */
    public IscsiServerOptions setHost(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("iscsi.host must not be empty");
        }
        this.host = host;
        return this;
    }

    /** TCP port, 0 for any free port; default 3260. */
    public IscsiServerOptions setPort(int port) {
        this.port = check(port, 0, 65535, "iscsi.port");
        return this;
    }

    /** Accepting listeners (event loops), 1..64; default the number of processors. */
    public IscsiServerOptions setEventLoops(int eventLoops) {
        this.eventLoops = check(eventLoops, 1, 64, "iscsi.event-loops");
        return this;
    }

    /** Target name prefix (an {@code iqn.} name ending with ':'); default {@value #DEFAULT_IQN_PREFIX}. */
    public IscsiServerOptions setIqnPrefix(String iqnPrefix) {
        if (iqnPrefix == null || !iqnPrefix.startsWith("iqn.") || !iqnPrefix.endsWith(":")) {
            throw new IllegalArgumentException("iscsi.iqn-prefix must look like iqn.YYYY-MM.reversed.domain:, got "
                    + iqnPrefix);
        }
        this.iqnPrefix = iqnPrefix;
        return this;
    }

    /** Largest data segment the target accepts (declared at login), bytes, 512..16 MiB-1; default 256 KiB. */
    public IscsiServerOptions setMaxRecvDataSegmentLength(int bytes) {
        this.maxRecvDataSegmentLength = check(bytes, 512, (1 << 24) - 1, "iscsi.max-recv-data-segment-length");
        return this;
    }

    /** Target's offer for MaxBurstLength, bytes, 512..16 MiB-1; default 1 MiB. */
    public IscsiServerOptions setMaxBurstLength(int bytes) {
        this.maxBurstLength = check(bytes, 512, (1 << 24) - 1, "iscsi.max-burst-length");
        return this;
    }

    /** Target's offer for FirstBurstLength (unsolicited data), bytes, 512..16 MiB-1; default 256 KiB. */
    public IscsiServerOptions setFirstBurstLength(int bytes) {
        this.firstBurstLength = check(bytes, 512, (1 << 24) - 1, "iscsi.first-burst-length");
        return this;
    }

    /** Largest READ/WRITE of one command (Block Limits VPD), bytes, 64 KiB..64 MiB; default 1 MiB. */
    public IscsiServerOptions setMaxTransferBytes(int bytes) {
        this.maxTransferBytes = check(bytes, 64 << 10, 64 << 20, "iscsi.max-transfer-bytes");
        return this;
    }

    /** Commands a session may have outstanding (the CmdSN window), 1..1024; default 64. */
    public IscsiServerOptions setCommandWindow(int commands) {
        this.commandWindow = check(commands, 1, 1024, "iscsi.command-window");
        return this;
    }

    /** A connection not in full-feature phase after this long is closed; 100 ms..10 min; default 10 s. */
    public IscsiServerOptions setLoginTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "iscsi.login-timeout");
        if (timeout.toMillis() < 100 || timeout.toMinutes() > 10) {
            throw new IllegalArgumentException("iscsi.login-timeout must be in [100ms, 10min], got " + timeout);
        }
        this.loginTimeout = timeout;
        return this;
    }

    /** Where CHAP credentials come from; default {@link IscsiAuth#NONE}. */
    public IscsiServerOptions setAuth(IscsiAuth auth) {
        this.auth = Objects.requireNonNull(auth, "iscsi.auth");
        return this;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    public int getEventLoops() {
        return eventLoops;
    }

    public String getIqnPrefix() {
        return iqnPrefix;
    }

    public int getMaxRecvDataSegmentLength() {
        return maxRecvDataSegmentLength;
    }

    public int getMaxBurstLength() {
        return maxBurstLength;
    }

    public int getFirstBurstLength() {
        return firstBurstLength;
    }

    public int getMaxTransferBytes() {
        return maxTransferBytes;
    }

    public int getCommandWindow() {
        return commandWindow;
    }

    public Duration getLoginTimeout() {
        return loginTimeout;
    }

    public IscsiAuth getAuth() {
        return auth;
    }

    /** The target name of a volume. */
    public String targetName(String volume) {
        return iqnPrefix + volume;
    }
}
