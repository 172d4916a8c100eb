package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.VolumeIoException;
import io.vertx.core.buffer.Buffer;

/**
 * The outcome of one SCSI command: status, sense data (fixed format, SPC-4 4.5.3) and Data-In. Immutable.
 *
 * @param status       SCSI status byte ({@link #GOOD}, {@link #CHECK_CONDITION}, ...)
 * @param sense        fixed-format sense data with CHECK CONDITION, else null
 * @param data         Data-In (may be longer than the initiator's allocation: the transport truncates), or null
 * @param transferBytes how many bytes the command itself moves (for the residual count); -1: {@code data}'s length
 */
record ScsiResult(int status, byte[] sense, Buffer data, long transferBytes) {
    static final int GOOD = 0x00;
    static final int CHECK_CONDITION = 0x02;
    static final int TASK_ABORTED = 0x40;

    static final int NO_SENSE = 0x0;
    static final int NOT_READY = 0x2;
    static final int MEDIUM_ERROR = 0x3;
    static final int HARDWARE_ERROR = 0x4;
    static final int ILLEGAL_REQUEST = 0x5;
    static final int UNIT_ATTENTION = 0x6;
    static final int DATA_PROTECT = 0x7;
    static final int ABORTED_COMMAND = 0xB;
    static final int MISCOMPARE = 0xE;

    /** Additional sense code and qualifier, as {@code ASC << 8 | ASCQ}. */
    static final int INVALID_OPCODE = 0x2000;
    static final int LBA_OUT_OF_RANGE = 0x2100;
    static final int INVALID_FIELD_IN_CDB = 0x2400;
    static final int LUN_NOT_SUPPORTED = 0x2500;
    static final int INVALID_FIELD_IN_PARAMETERS = 0x2600;
    static final int PARAMETER_LIST_LENGTH_ERROR = 0x1A00;
    static final int SAVING_NOT_SUPPORTED = 0x3900;
    static final int MISCOMPARE_DURING_VERIFY = 0x1D00;
    static final int WRITE_ERROR = 0x0C00;
    static final int UNRECOVERED_READ_ERROR = 0x1100;
    static final int WRITE_PROTECTED = 0x2700;
    static final int SPACE_ALLOCATION_FAILED = 0x2707;
    static final int INTERNAL_TARGET_FAILURE = 0x4400;
    /** POWER ON, RESET, OR BUS DEVICE RESET OCCURRED. */
    static final int RESET_OCCURRED = 0x2900;

    static final ScsiResult OK = new ScsiResult(GOOD, null, null, 0);

    static ScsiResult data(Buffer data) {
        return new ScsiResult(GOOD, null, data, -1);
    }

    static ScsiResult check(int senseKey, int ascq) {
        return check(senseKey, ascq, -1);
    }

    /** CHECK CONDITION; {@code information} >= 0 fills the INFORMATION field (and sets VALID). */
    static ScsiResult check(int senseKey, int ascq, long information) {
        byte[] s = new byte[18];
        s[0] = (byte) (information >= 0 ? 0xF0 : 0x70);
        s[2] = (byte) senseKey;
        if (information >= 0) {
            s[3] = (byte) (information >>> 24);
            s[4] = (byte) (information >>> 16);
            s[5] = (byte) (information >>> 8);
            s[6] = (byte) information;
        }
        s[7] = 10;
        s[12] = (byte) (ascq >>> 8);
        s[13] = (byte) ascq;
        return new ScsiResult(CHECK_CONDITION, s, null, 0);
    }

    static ScsiResult invalidField() {
        return check(ILLEGAL_REQUEST, INVALID_FIELD_IN_CDB);
    }

    static ScsiResult outOfRange() {
        return check(ILLEGAL_REQUEST, LBA_OUT_OF_RANGE);
    }

    /** The sense for a failed volume call (architecture rule 7: a clear error, nothing else changes). */
    static ScsiResult of(Throwable failure, boolean write) {
        if (failure instanceof VolumeIoException v) {
            return switch (v.kind()) {
                case OUT_OF_RANGE -> outOfRange();
                case INVALID -> invalidField();
                case IO_ERROR -> check(MEDIUM_ERROR, write ? WRITE_ERROR : UNRECOVERED_READ_ERROR);
                case NO_SPACE -> check(DATA_PROTECT, SPACE_ALLOCATION_FAILED);
                case NOT_PERMITTED -> check(DATA_PROTECT, WRITE_PROTECTED);
            };
        }
        return check(HARDWARE_ERROR, INTERNAL_TARGET_FAILURE);
    }

    ScsiResult withTransfer(long bytes) {
        return new ScsiResult(status, sense, data, bytes);
    }
}
