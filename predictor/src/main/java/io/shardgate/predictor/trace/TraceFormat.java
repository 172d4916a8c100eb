package io.shardgate.predictor.trace;

import java.util.Locale;

/** The trace formats the readers understand; {@link #id()} is the name used with {@code --format}. */
public enum TraceFormat {
    /** CloudPhysics CSV (SHARDS, FAST'15): {@code version,time,op,size,lbn}; time s, op SCSI hex, lbn sectors. */
    CLOUDPHYSICS_CSV("cloudphysics-csv"),
    /** ARC paper {@code .lis}: {@code start count unused reqno}, 512-byte units, every reference a read. */
    ARC_LIS("arc-lis"),
    /** MSR Cambridge CSV: {@code Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime}; FILETIME, bytes. */
    MSR_CSV("msr-csv"),
    /** SYSTOR'17 VDI CSV: {@code Timestamp,Response,IOType,LUN,Offset,Size}; epoch seconds, R/W, bytes. */
    SYSTOR_CSV("systor-csv"),
    /** Tencent CBS CSV, no header: {@code timestamp_s,offset_sectors,size_sectors,io_type,volume_id}. */
    TENCENT_CSV("tencent-csv"),
    /** CloudPhysics week-long traces as redistributed with LIRS2: little-endian uint32 4 KiB block numbers. */
    LIRS2_RAW("lirs2-raw"),
    /** The gateway's own recorded format ({@link GatewayTraceWriter}). */
    GATEWAY("gateway");

    private final String id;

    TraceFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static TraceFormat parse(String id) {
        for (TraceFormat f : values()) {
            if (f.id.equals(id.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown trace format '" + id + "'; known: cloudphysics-csv, arc-lis, "
                + "msr-csv, systor-csv, tencent-csv, lirs2-raw, gateway");
    }
}
