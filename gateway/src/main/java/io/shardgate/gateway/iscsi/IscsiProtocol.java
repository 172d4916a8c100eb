package io.shardgate.gateway.iscsi;

/** Constants of RFC 7143: opcodes, header layout, reject reasons, login status. */
final class IscsiProtocol {
    private IscsiProtocol() {
    }

    static final int BHS_BYTES = 48;
    static final int DIGEST_BYTES = 4;
    /** The "no tag" value of ITT and TTT. */
    static final int RESERVED_TAG = 0xFFFFFFFF;
    /** Login PDUs carry at most this much text (RFC 7143 section 12.12). */
    static final int LOGIN_MAX_DATA = 8192;

    // Initiator opcodes
    static final int OP_NOP_OUT = 0x00;
    static final int OP_SCSI_CMD = 0x01;
    static final int OP_TMF_REQ = 0x02;
    static final int OP_LOGIN_REQ = 0x03;
    static final int OP_TEXT_REQ = 0x04;
    static final int OP_DATA_OUT = 0x05;
    static final int OP_LOGOUT_REQ = 0x06;
    static final int OP_SNACK = 0x10;
    // Target opcodes
    static final int OP_NOP_IN = 0x20;
    static final int OP_SCSI_RSP = 0x21;
    static final int OP_TMF_RSP = 0x22;
    static final int OP_LOGIN_RSP = 0x23;
    static final int OP_TEXT_RSP = 0x24;
    static final int OP_DATA_IN = 0x25;
    static final int OP_LOGOUT_RSP = 0x26;
    static final int OP_R2T = 0x31;
    static final int OP_REJECT = 0x3F;

    static final int FLAG_FINAL = 0x80;
    static final int FLAG_IMMEDIATE = 0x40;
    // SCSI command flags
    static final int CMD_READ = 0x40;
    static final int CMD_WRITE = 0x20;
    // Data-In / SCSI response flags
    static final int DATA_ACK = 0x40;
    static final int RESIDUAL_OVERFLOW = 0x04;
    static final int RESIDUAL_UNDERFLOW = 0x02;
    static final int DATA_STATUS = 0x01;
    // Login / text flags
    static final int LOGIN_TRANSIT = 0x80;
    static final int CONTINUE = 0x40;

    static final int STAGE_SECURITY = 0;
    static final int STAGE_OPERATIONAL = 1;
    static final int STAGE_FULL_FEATURE = 3;

    // Reject reasons
    static final int REJECT_DATA_DIGEST = 0x02;
    static final int REJECT_SNACK = 0x03;
    static final int REJECT_PROTOCOL_ERROR = 0x04;
    static final int REJECT_NOT_SUPPORTED = 0x05;
    static final int REJECT_INVALID_FIELD = 0x09;

    // Login status (class << 8 | detail)
    static final int LOGIN_OK = 0x0000;
    static final int LOGIN_INITIATOR_ERROR = 0x0200;
    static final int LOGIN_AUTH_FAILED = 0x0201;
    static final int LOGIN_NOT_FOUND = 0x0203;
    static final int LOGIN_MISSING_PARAMETER = 0x0207;
    static final int LOGIN_SESSION_NOT_FOUND = 0x020A;
    static final int LOGIN_INVALID_REQUEST = 0x020B;
    static final int LOGIN_UNSUPPORTED_VERSION = 0x0205;

    // Task management
    static final int TMF_ABORT_TASK = 1;
    static final int TMF_ABORT_TASK_SET = 2;
    static final int TMF_CLEAR_TASK_SET = 4;
    static final int TMF_LUN_RESET = 5;
    static final int TMF_TARGET_WARM_RESET = 6;
    static final int TMF_COMPLETE = 0;
    static final int TMF_NO_TASK = 1;
    static final int TMF_NO_LUN = 2;
    static final int TMF_NOT_SUPPORTED = 5;

    /** Bytes of padding after a data segment of {@code length} bytes, to a 4-byte boundary. */
    static int pad(int length) {
        return (-length) & 3;
    }
}
