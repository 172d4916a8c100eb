package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;

/**
 * One SCSI command of a connection, from its command PDU to its response: its tags, and for writes the Data-Out
 * gathered so far and the R2T in progress. Event-loop confined.
 */
final class ScsiTask {
    final int itt;
    final long lun;
    final Buffer cdb;
    final int expectedLength;
    final boolean reads;
    final boolean writes;
    /** Counted in the CmdSN window (not an immediate command). */
    final boolean windowed;

    /** Data-Out received so far (immediate, unsolicited, solicited), in order. */
    Buffer dataOut;
    int received;
    /** Unsolicited data may still arrive up to this offset. */
    int unsolicitedEnd;
    /** The outstanding R2T's tag (or RESERVED_TAG) and the end offset it asked for. */
    int r2tTag = IscsiProtocol.RESERVED_TAG;
    int r2tEnd;
    int r2tSequence;
    /** DataSN the next Data-Out must carry (restarts at 0 with every R2T). */
    int dataSequence;
    /** Handed to the SCSI layer; its response is pending. */
    boolean running;
    /** Aborted by task management: no response is sent, the TMF response waits for it. */
    boolean aborted;
    /** Called once the task is finished after an abort. */
    Runnable onAborted;

    ScsiTask(int itt, long lun, Buffer cdb, int expectedLength, boolean reads, boolean writes, boolean windowed) {
        this.itt = itt;
        this.lun = lun;
        this.cdb = cdb;
        this.expectedLength = expectedLength;
        this.reads = reads;
        this.writes = writes;
        this.windowed = windowed;
    }
}
