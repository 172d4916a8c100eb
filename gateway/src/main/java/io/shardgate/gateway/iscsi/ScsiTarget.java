package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.io.BlockVolume;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

import static io.shardgate.gateway.iscsi.ScsiPages.LOGICAL_BLOCK;
import static io.shardgate.gateway.iscsi.ScsiPages.LOGICAL_BLOCK_SHIFT;
import static io.shardgate.gateway.iscsi.ScsiResult.*;

/**
 * Executes SCSI commands (SBC-3 block commands, SPC-4 primary commands) for LUN 0 of one volume. Every command is
 * validated completely before it reaches the volume, so an invalid one changes nothing (architecture rule 7); any
 * command not listed answers ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE.
 *
 * <p>Logical blocks are 512 bytes; the volume's block size is reported as the physical block (READ CAPACITY 16) and
 * the optimal granularity (Block Limits). Never blocks: every call returns a future completed by the volume.
 * Thread-safe (no mutable state besides the shared COMPARE AND WRITE mutex).
 */
final class ScsiTarget {
    private final BlockVolume volume;
    private final ScsiPages pages;
    private final ScsiLimits limits;
    private final AsyncMutex compareAndWrite;
    private final TargetRegistry.Unit unit;
    /** The unit's reset count this session has reported (event-loop confined). */
    private long resetsSeen;

    ScsiTarget(BlockVolume volume, ScsiPages pages, TargetRegistry.Unit unit) {
        this.volume = volume;
        this.pages = pages;
        this.limits = pages.limits();
        this.unit = unit;
        this.compareAndWrite = unit.compareAndWrite;
        this.resetsSeen = unit.resets.get();
    }

    /** A logical unit reset: every session of the volume on this server reports it once as a unit attention. */
    void reset() {
        unit.resets.incrementAndGet();
    }

    /**
     * Runs one command.
     *
     * @param cdb     the command descriptor block (16 bytes or more)
     * @param lun0    whether the command addresses LUN 0 (the only LUN)
     * @param dataOut the Data-Out the initiator sent (possibly empty), owned by the caller until completion
     */
    Future<ScsiResult> execute(Buffer cdb, boolean lun0, Buffer dataOut) {
        int opcode = cdb.getByte(0) & 0xFF;
        if (opcode == 0x12) {
            return done(allocated(pages.inquiry(cdb, lun0), cdb.getUnsignedShort(3)));
        }
        if (opcode == 0xA0) {
            return done(allocated(pages.reportLuns(cdb), cdb.getUnsignedInt(6)));
        }
        if (opcode == 0x03) {
            return done(allocated(requestSense(cdb), cdb.getUnsignedByte(4)));
        }
        if (opcode == 0xA3 && (cdb.getByte(1) & 0x1F) == 0x0C && lun0) {
            return done(allocated(ScsiOpcodes.report(cdb), cdb.getUnsignedInt(6)));
        }
        if (!lun0) {
            return Future.succeededFuture(check(ILLEGAL_REQUEST, LUN_NOT_SUPPORTED));
        }
        long resets = unit.resets.get();
        if (resets != resetsSeen) {
            resetsSeen = resets;
            return done(check(UNIT_ATTENTION, RESET_OCCURRED)); // SAM-5 5.11: reported once, then cleared
        }
        long size = volume.sizeBytes();
        return switch (opcode) {
            case 0x00 -> Future.succeededFuture(OK);
            case 0x25 -> Future.succeededFuture(pages.readCapacity10(size));
            case 0x9E -> serviceAction9E(cdb, size);
            case 0x1A -> done(allocated(pages.modeSense(cdb, false, size), cdb.getUnsignedByte(4)));
            case 0x5A -> done(allocated(pages.modeSense(cdb, true, size), cdb.getUnsignedShort(7)));
            case 0x08 -> read(cdb, 0, readWrite6Lba(cdb), readWrite6Blocks(cdb), size);
            case 0x28 -> read(cdb, cdb.getByte(1), cdb.getUnsignedInt(2), cdb.getUnsignedShort(7), size);
            case 0xA8 -> read(cdb, cdb.getByte(1), cdb.getUnsignedInt(2), cdb.getUnsignedInt(6), size);
            case 0x88 -> read(cdb, cdb.getByte(1), cdb.getLong(2), cdb.getUnsignedInt(10), size);
            case 0x0A -> write(0, readWrite6Lba(cdb), readWrite6Blocks(cdb), dataOut, size);
            case 0x2A, 0x2E -> write(cdb.getByte(1), cdb.getUnsignedInt(2), cdb.getUnsignedShort(7), dataOut, size);
            case 0xAA, 0xAE -> write(cdb.getByte(1), cdb.getUnsignedInt(2), cdb.getUnsignedInt(6), dataOut, size);
            case 0x8A, 0x8E -> write(cdb.getByte(1), cdb.getLong(2), cdb.getUnsignedInt(10), dataOut, size);
            case 0x2F -> verify(cdb.getByte(1), cdb.getUnsignedInt(2), cdb.getUnsignedShort(7), dataOut, size);
            case 0xAF -> verify(cdb.getByte(1), cdb.getUnsignedInt(2), cdb.getUnsignedInt(6), dataOut, size);
            case 0x8F -> verify(cdb.getByte(1), cdb.getLong(2), cdb.getUnsignedInt(10), dataOut, size);
            case 0x34 -> prefetch(cdb.getUnsignedInt(2), cdb.getUnsignedShort(7), size);
            case 0x90 -> prefetch(cdb.getLong(2), cdb.getUnsignedInt(10), size);
            case 0x35 -> synchronize(cdb.getUnsignedInt(2), cdb.getUnsignedShort(7), size);
            case 0x91 -> synchronize(cdb.getLong(2), cdb.getUnsignedInt(10), size);
            case 0x41 -> writeSame(cdb.getByte(1), false, cdb.getUnsignedInt(2), cdb.getUnsignedShort(7), dataOut,
                    size);
            case 0x93 -> writeSame(cdb.getByte(1), true, cdb.getLong(2), cdb.getUnsignedInt(10), dataOut, size);
            case 0x42 -> unmap(cdb, dataOut, size);
            case 0x89 -> compareAndWrite(cdb, dataOut, size);
            default -> Future.succeededFuture(check(ILLEGAL_REQUEST, INVALID_OPCODE));
        };
    }

    private static long readWrite6Lba(Buffer cdb) {
        return cdb.getUnsignedMedium(1) & 0x1FFFFF;
    }

    private static long readWrite6Blocks(Buffer cdb) {
        int n = cdb.getByte(4) & 0xFF;
        return n == 0 ? 256 : n;
    }

    private static ScsiResult requestSense(Buffer cdb) {
        if ((cdb.getByte(1) & 0x01) != 0) {
            return invalidField(); // descriptor format not supported
        }
        byte[] s = new byte[18];
        s[0] = 0x70;
        s[7] = 10;
        return data(Buffer.buffer(s));
    }

    private Future<ScsiResult> serviceAction9E(Buffer cdb, long size) {
        int action = cdb.getByte(1) & 0x1F;
        long allocation = cdb.getUnsignedInt(10);
        if (action == 0x10) {
            return done(allocated(pages.readCapacity16(size), allocation));
        }
        if (action == 0x12) {
            return lbaStatus(cdb.getLong(2), allocation, size).map(r -> allocated(r, allocation));
        }
        return Future.succeededFuture(invalidField());
    }

    /**
     * Cuts parameter data to the CDB's ALLOCATION LENGTH (SPC-4 4.2.5.6): the command transfers only that much, so
     * a short allocation is not a residual overflow.
     */
    private static ScsiResult allocated(ScsiResult r, long allocation) {
        Buffer data = r.data();
        if (data == null || data.length() <= allocation) {
            return r;
        }
        return ScsiResult.data(data.slice(0, (int) allocation));
    }

    /** Null when {@code [lba, lba + blocks)} lies inside the volume, else LBA OUT OF RANGE. */
    private static ScsiResult rangeCheck(long lba, long blocks, long size) {
        long capacity = size >>> LOGICAL_BLOCK_SHIFT;
        if (lba < 0 || blocks < 0 || lba > capacity || blocks > capacity - lba) {
            return outOfRange();
        }
        return null;
    }

    private static Future<ScsiResult> done(ScsiResult r) {
        return Future.succeededFuture(r);
    }

    private Future<ScsiResult> read(Buffer cdb, int flags, long lba, long blocks, long size) {
        if ((flags & 0xE0) != 0) {
            return done(invalidField()); // RDPROTECT: no protection information
        }
        ScsiResult bad = rangeCheck(lba, blocks, size);
        if (bad != null) {
            return done(bad);
        }
        if (blocks > limits.maxTransferBlocks()) {
            return done(invalidField());
        }
        if (blocks == 0) {
            return done(OK);
        }
        return volume.read(lba << LOGICAL_BLOCK_SHIFT, (int) (blocks << LOGICAL_BLOCK_SHIFT))
                .map(ScsiResult::data).otherwise(e -> ScsiResult.of(e, false));
    }

    private Future<ScsiResult> write(int flags, long lba, long blocks, Buffer dataOut, long size) {
        if ((flags & 0xE0) != 0) {
            return done(invalidField()); // WRPROTECT
        }
        ScsiResult bad = rangeCheck(lba, blocks, size);
        if (bad != null) {
            return done(bad);
        }
        long bytes = blocks << LOGICAL_BLOCK_SHIFT;
        if (blocks > limits.maxTransferBlocks()) {
            return done(invalidField());
        }
        if (blocks == 0) {
            return done(OK);
        }
        // An Expected Data Transfer Length shorter than the command writes the whole blocks it covers and answers
        // with a residual overflow (RFC 7143 11.4.5.1); a longer one writes what the CDB says (underflow).
        long covered = Math.min(bytes, dataOut.length() & ~(long) (LOGICAL_BLOCK - 1));
        if (covered == 0) {
            return done(OK.withTransfer(bytes));
        }
        Buffer data = dataOut.length() == covered ? dataOut : dataOut.slice(0, (int) covered);
        boolean fua = (flags & 0x08) != 0;
        return volume.write(lba << LOGICAL_BLOCK_SHIFT, data, fua).map(v -> OK.withTransfer(bytes))
                .otherwise(e -> ScsiResult.of(e, true));
    }

    private Future<ScsiResult> verify(int flags, long lba, long blocks, Buffer dataOut, long size) {
        int byteCheck = (flags >>> 1) & 0x03;
        if ((flags & 0xE0) != 0 || byteCheck == 2) {
            return done(invalidField());
        }
        ScsiResult bad = rangeCheck(lba, blocks, size);
        if (bad != null) {
            return done(bad);
        }
        if (blocks > limits.maxTransferBlocks()) {
            return done(invalidField());
        }
        if (byteCheck == 0 || blocks == 0) {
            return done(OK); // medium verification: every block of the volume is readable
        }
        long bytes = byteCheck == 1 ? blocks << LOGICAL_BLOCK_SHIFT : LOGICAL_BLOCK;
        if (dataOut.length() < bytes) {
            return done(invalidField().withTransfer(bytes));
        }
        int length = (int) (blocks << LOGICAL_BLOCK_SHIFT);
        return volume.read(lba << LOGICAL_BLOCK_SHIFT, length).map(stored -> {
            for (int i = 0; i < length; i++) {
                int expected = byteCheck == 1 ? i : i & (LOGICAL_BLOCK - 1);
                if (stored.getByte(i) != dataOut.getByte(expected)) {
                    return check(MISCOMPARE, MISCOMPARE_DURING_VERIFY, i).withTransfer(bytes);
                }
            }
            return OK.withTransfer(bytes);
        }).otherwise(e -> ScsiResult.of(e, false));
    }

    private static Future<ScsiResult> prefetch(long lba, long blocks, long size) {
        ScsiResult bad = rangeCheck(lba, blocks, size);
        return done(bad != null ? bad : OK); // the tiers prefetch by prediction; nothing to do here
    }

    private Future<ScsiResult> synchronize(long lba, long blocks, long size) {
        ScsiResult bad = rangeCheck(lba, blocks, size);
        if (bad != null) {
            return done(bad);
        }
        return volume.flush().map(v -> OK).otherwise(e -> ScsiResult.of(e, true));
    }

    private Future<ScsiResult> writeSame(int flags, boolean sixteen, long lba, long blocks, Buffer dataOut, long size) {
        boolean noDataOut = sixteen && (flags & 0x01) != 0;
        boolean unmap = (flags & 0x08) != 0;
        if ((flags & 0xE0) != 0 || (flags & 0x10) != 0 || (!sixteen && (flags & 0x01) != 0)) {
            return done(invalidField()); // WRPROTECT, ANCHOR (not supported), obsolete bits
        }
        long capacity = size >>> LOGICAL_BLOCK_SHIFT;
        long count = blocks == 0 && lba <= capacity ? capacity - lba : blocks;
        ScsiResult bad = rangeCheck(lba, count, size);
        if (bad != null) {
            return done(bad);
        }
        if (count > ScsiLimits.MAX_WRITE_SAME_BLOCKS) {
            return done(invalidField());
        }
        if (dataOut.length() != (noDataOut ? 0 : LOGICAL_BLOCK)) {
            return done(invalidField().withTransfer(noDataOut ? 0 : LOGICAL_BLOCK));
        }
        long transfer = noDataOut ? 0 : LOGICAL_BLOCK;
        if (count == 0) {
            return done(OK.withTransfer(transfer));
        }
        long offset = lba << LOGICAL_BLOCK_SHIFT;
        long length = count << LOGICAL_BLOCK_SHIFT;
        Future<Void> f;
        if (unmap) {
            f = volume.trim(offset, length); // LBPRZ: unmapped blocks read as zeroes, whatever the data block held
        } else if (noDataOut || isZero(dataOut, LOGICAL_BLOCK)) {
            f = volume.writeZeroes(offset, length, false);
        } else {
            f = writePattern(offset, length, dataOut.slice(0, LOGICAL_BLOCK));
        }
        return f.map(v -> OK.withTransfer(transfer)).otherwise(e -> ScsiResult.of(e, true));
    }

    private static boolean isZero(Buffer b, int length) {
        for (int i = 0; i < length; i++) {
            if (b.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code block} repeated over the range, in pieces of up to 1 MiB one after the other. */
    private Future<Void> writePattern(long offset, long length, Buffer block) {
        int piece = (int) Math.min(length, 1 << 20);
        Buffer pattern = Buffer.buffer(piece);
        while (pattern.length() < piece) {
            pattern.appendBuffer(block);
        }
        return writePieces(offset, offset + length, pattern);
    }

    private Future<Void> writePieces(long from, long end, Buffer pattern) {
        int n = (int) Math.min(pattern.length(), end - from);
        return volume.write(from, n == pattern.length() ? pattern : pattern.slice(0, n), false)
                .compose(v -> from + n >= end ? Future.succeededFuture() : writePieces(from + n, end, pattern));
    }

    private Future<ScsiResult> unmap(Buffer cdb, Buffer dataOut, long size) {
        if ((cdb.getByte(1) & 0x01) != 0) {
            return done(invalidField()); // ANCHOR
        }
        int listLength = cdb.getUnsignedShort(7);
        if (listLength == 0) {
            return done(OK);
        }
        if (listLength < 8 || dataOut.length() < listLength) {
            return done(check(ILLEGAL_REQUEST, PARAMETER_LIST_LENGTH_ERROR));
        }
        int descriptorBytes = dataOut.getUnsignedShort(2);
        if (descriptorBytes > listLength - 8 || descriptorBytes % 16 != 0) {
            return done(check(ILLEGAL_REQUEST, PARAMETER_LIST_LENGTH_ERROR));
        }
        int descriptors = descriptorBytes / 16;
        if (descriptors > ScsiLimits.MAX_UNMAP_DESCRIPTORS) {
            return done(check(ILLEGAL_REQUEST, INVALID_FIELD_IN_PARAMETERS));
        }
        long total = 0;
        for (int i = 0; i < descriptors; i++) {
            long lba = dataOut.getLong(8 + 16 * i);
            long blocks = dataOut.getUnsignedInt(16 + 16 * i);
            ScsiResult bad = rangeCheck(lba, blocks, size);
            if (bad != null) {
                return done(bad);
            }
            total += blocks;
        }
        if (total > ScsiLimits.MAX_UNMAP_BLOCKS) {
            return done(check(ILLEGAL_REQUEST, INVALID_FIELD_IN_PARAMETERS));
        }
        List<Future<Void>> trims = new ArrayList<>(descriptors);
        for (int i = 0; i < descriptors; i++) {
            long blocks = dataOut.getUnsignedInt(16 + 16 * i);
            if (blocks > 0) {
                trims.add(volume.trim(dataOut.getLong(8 + 16 * i) << LOGICAL_BLOCK_SHIFT, blocks << LOGICAL_BLOCK_SHIFT));
            }
        }
        return Future.all(trims).map(v -> OK).otherwise(e -> ScsiResult.of(e, true));
    }

    private Future<ScsiResult> compareAndWrite(Buffer cdb, Buffer dataOut, long size) {
        int flags = cdb.getByte(1);
        long lba = cdb.getLong(2);
        int blocks = cdb.getByte(13) & 0xFF;
        int half = blocks << LOGICAL_BLOCK_SHIFT;
        if ((flags & 0xE0) != 0 || blocks > ScsiLimits.MAX_COMPARE_AND_WRITE_BLOCKS || dataOut.length() != 2 * half) {
            return done(invalidField().withTransfer(2L * half)); // WRPROTECT, too long, or Data-Out of another size
        }
        ScsiResult bad = rangeCheck(lba, blocks, size);
        if (bad != null) {
            return done(bad);
        }
        if (blocks == 0) {
            return done(OK);
        }
        long offset = lba << LOGICAL_BLOCK_SHIFT;
        boolean fua = (flags & 0x08) != 0;
        return compareAndWrite.run(() -> volume.read(offset, half).compose(stored -> {
            for (int i = 0; i < half; i++) {
                if (stored.getByte(i) != dataOut.getByte(i)) {
                    return done(check(MISCOMPARE, MISCOMPARE_DURING_VERIFY, i).withTransfer(2L * half));
                }
            }
            return volume.write(offset, dataOut.slice(half, 2 * half), fua).map(v -> OK.withTransfer(2L * half));
        })).otherwise(e -> ScsiResult.of(e, true));
    }

    /**
     * GET LBA STATUS: blocks that read as zeroes are reported deallocated (with LBPRZ the two cannot be told apart),
     * others mapped. Looks at up to one maximum transfer from {@code lba}.
     */
    private Future<ScsiResult> lbaStatus(long lba, long allocation, long size) {
        long capacity = size >>> LOGICAL_BLOCK_SHIFT;
        if (lba < 0 || lba >= capacity) {
            return done(outOfRange());
        }
        if (allocation < 24) {
            return done(allocation == 0 ? OK : invalidField());
        }
        int blocks = (int) Math.min(capacity - lba, limits.maxTransferBlocks());
        return volume.read(lba << LOGICAL_BLOCK_SHIFT, blocks << LOGICAL_BLOCK_SHIFT).map(data -> {
            int maxDescriptors = (int) Math.min((allocation - 8) / 16, 64);
            Buffer out = Buffer.buffer(8 + 16 * maxDescriptors).appendInt(0).appendInt(0);
            int start = 0;
            boolean zero = isZero(data.slice(0, LOGICAL_BLOCK), LOGICAL_BLOCK);
            int described = 0;
            for (int b = 1; b <= blocks && described < maxDescriptors; b++) {
                boolean z = b < blocks && isZero(data.slice(b << LOGICAL_BLOCK_SHIFT, (b + 1) << LOGICAL_BLOCK_SHIFT),
                        LOGICAL_BLOCK);
                if (b == blocks || z != zero) {
                    out.appendLong(lba + start).appendInt(b - start).appendByte((byte) (zero ? 1 : 0))
                            .appendByte((byte) 0).appendShort((short) 0);
                    described++;
                    start = b;
                    zero = z;
                }
            }
            out.setInt(0, out.length() - 4);
            return data(out);
        }).otherwise(e -> ScsiResult.of(e, false));
    }
}
