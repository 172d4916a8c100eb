package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The descriptive data of one logical unit (LUN 0 = one volume): standard INQUIRY and VPD pages 0x00, 0x80, 0x83,
 * 0xB0, 0xB1, 0xB2 (SPC-4, SBC-3), READ CAPACITY 10/16, MODE SENSE 6/10 (caching and control pages), REPORT LUNS.
 * Built from the CDB fields; immutable and thread-safe. Capacity is read from the volume on every call, so an
 * extended volume shows its new size.
 */
final class ScsiPages {
    static final int LOGICAL_BLOCK = 512;
    static final int LOGICAL_BLOCK_SHIFT = 9;

    private static final byte[] VENDOR = "SHRDGATE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRODUCT = "ShardGate volume".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REVISION = "0001".getBytes(StandardCharsets.US_ASCII);
    private static final int[] SUPPORTED_VPD = {0x00, 0x80, 0x83, 0xB0, 0xB1, 0xB2};
    /** Version descriptors (SPC-4 table 30): SAM-5, SPC-4, SBC-3, iSCSI (no version claimed). */
    private static final int[] VERSION_DESCRIPTORS = {0x00A0, 0x0460, 0x04C0, 0x0960};

    private final String targetName;
    private final byte[] serial;
    private final long naa;
    private final int physicalExponent;
    private final int maxTransferBlocks;
    private final ScsiLimits limits;

    ScsiPages(String volumeName, String targetName, int volumeBlockSize, int maxTransferBytes) {
        this.targetName = targetName;
        byte[] hash = sha256(volumeName);
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (hash[i] & 0xFF);
        }
        // NAA 3 (locally assigned): stable per volume name, the WWID multipath and os-brick match paths with.
        this.naa = (3L << 60) | (h >>> 4);
        this.serial = hexDigits(h).getBytes(StandardCharsets.US_ASCII);
        int exponent = Integer.numberOfTrailingZeros(Math.max(LOGICAL_BLOCK, volumeBlockSize)) - LOGICAL_BLOCK_SHIFT;
        this.physicalExponent = Math.min(exponent, 15);
        this.maxTransferBlocks = maxTransferBytes >>> LOGICAL_BLOCK_SHIFT;
        this.limits = new ScsiLimits(maxTransferBlocks, 1 << physicalExponent);
    }

    ScsiLimits limits() {
        return limits;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hexDigits(long v) {
        String hex = Long.toHexString(v);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** INQUIRY for LUN 0; other LUNs get "no logical unit" (peripheral qualifier 3). */
    ScsiResult inquiry(Buffer cdb, boolean lunExists) {
        int evpd = cdb.getByte(1) & 0x01;
        int page = cdb.getByte(2) & 0xFF;
        if ((cdb.getByte(1) & 0xFE) != 0 || (evpd == 0 && page != 0)) {
            return ScsiResult.invalidField();
        }
        if (!lunExists) {
            Buffer b = Buffer.buffer(new byte[36]);
            b.setByte(0, (byte) 0x7F);
            return ScsiResult.data(b);
        }
        if (evpd == 0) {
            return ScsiResult.data(standardInquiry());
        }
        Buffer b = switch (page) {
            case 0x00 -> supportedPages();
            case 0x80 -> serialPage();
            case 0x83 -> identificationPage();
            case 0xB0 -> blockLimitsPage();
            case 0xB1 -> characteristicsPage();
            case 0xB2 -> provisioningPage();
            default -> null;
        };
        return b == null ? ScsiResult.invalidField() : ScsiResult.data(b);
    }

    private Buffer standardInquiry() {
        byte[] d = new byte[66 + 2 * VERSION_DESCRIPTORS.length];
        d[0] = 0x00;            // connected, direct-access block device
        d[2] = 0x06;            // SPC-4
        d[3] = 0x12;            // HISUP, response data format 2
        d[4] = (byte) (d.length - 5);
        d[7] = 0x02;            // CMDQUE
        System.arraycopy(VENDOR, 0, d, 8, 8);
        System.arraycopy(PRODUCT, 0, d, 16, 16);
        System.arraycopy(REVISION, 0, d, 32, 4);
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            d[58 + 2 * i] = (byte) (VERSION_DESCRIPTORS[i] >>> 8);
            d[59 + 2 * i] = (byte) VERSION_DESCRIPTORS[i];
        }
        return Buffer.buffer(d);
    }

    private static Buffer vpd(int page, int length) {
        Buffer b = Buffer.buffer(new byte[4 + length]);
        b.setByte(1, (byte) page);
        b.setShort(2, (short) length);
        return b;
    }

    private Buffer supportedPages() {
        Buffer b = vpd(0x00, SUPPORTED_VPD.length);
        for (int i = 0; i < SUPPORTED_VPD.length; i++) {
            b.setByte(4 + i, (byte) SUPPORTED_VPD[i]);
        }
        return b;
    }

    private Buffer serialPage() {
        Buffer b = vpd(0x80, serial.length);
        b.setBytes(4, serial);
        return b;
    }

    private Buffer identificationPage() {
        byte[] vendorId = new byte[8 + serial.length];
        System.arraycopy(VENDOR, 0, vendorId, 0, 8);
        System.arraycopy(serial, 0, vendorId, 8, serial.length);
        byte[] name = targetName.getBytes(StandardCharsets.UTF_8);
        int nameLength = (name.length + 1 + 3) & ~3; // NUL-terminated, padded to a multiple of 4
        Buffer b = Buffer.buffer(256);
        b.appendByte((byte) 0).appendByte((byte) 0x83).appendShort((short) 0);
        // NAA, logical unit, binary
        b.appendByte((byte) 0x01).appendByte((byte) 0x03).appendByte((byte) 0).appendByte((byte) 8).appendLong(naa);
        // T10 vendor id, logical unit, ASCII
        b.appendByte((byte) 0x02).appendByte((byte) 0x01).appendByte((byte) 0).appendByte((byte) vendorId.length)
                .appendBytes(vendorId);
        // SCSI name string of the target device (iSCSI, UTF-8, PIV)
        b.appendByte((byte) 0x53).appendByte((byte) 0xA8).appendByte((byte) 0).appendByte((byte) nameLength)
                .appendBytes(name).appendBytes(new byte[nameLength - name.length]);
        // relative target port 1 (iSCSI, PIV, target port association)
        b.appendByte((byte) 0x51).appendByte((byte) 0x94).appendByte((byte) 0).appendByte((byte) 4).appendInt(1);
        b.setShort(2, (short) (b.length() - 4));
        return b;
    }

    private Buffer blockLimitsPage() {
        Buffer b = vpd(0xB0, 0x3C);
        b.setByte(5, (byte) ScsiLimits.MAX_COMPARE_AND_WRITE_BLOCKS);
        b.setShort(6, (short) limits.granularityBlocks());
        b.setInt(8, maxTransferBlocks);
        b.setInt(12, maxTransferBlocks);
        b.setInt(20, ScsiLimits.MAX_UNMAP_BLOCKS);
        b.setInt(24, ScsiLimits.MAX_UNMAP_DESCRIPTORS);
        b.setInt(28, limits.granularityBlocks());
        b.setLong(36, ScsiLimits.MAX_WRITE_SAME_BLOCKS);
        return b;
    }

    private static Buffer characteristicsPage() {
        Buffer b = vpd(0xB1, 0x3C);
        b.setShort(4, (short) 1); // non-rotating medium
        return b;
    }

    private static Buffer provisioningPage() {
        Buffer b = vpd(0xB2, 4);
        // LBPU (UNMAP), LBPWS (WRITE SAME 16 with UNMAP), LBPWS10, LBPRZ: unmapped blocks read as zeroes
        b.setByte(5, (byte) (0x80 | 0x40 | 0x20 | 0x04));
        b.setByte(6, (byte) 0x02); // thin provisioned
        return b;
    }

    ScsiResult readCapacity10(long sizeBytes) {
        long last = (sizeBytes >>> LOGICAL_BLOCK_SHIFT) - 1;
        Buffer b = Buffer.buffer(8);
        b.appendInt(last > 0xFFFFFFFFL ? -1 : (int) last).appendInt(LOGICAL_BLOCK);
        return ScsiResult.data(b);
    }

    ScsiResult readCapacity16(long sizeBytes) {
        Buffer b = Buffer.buffer(new byte[32]);
        b.setLong(0, (sizeBytes >>> LOGICAL_BLOCK_SHIFT) - 1);
        b.setInt(8, LOGICAL_BLOCK);
        b.setByte(13, (byte) physicalExponent);
        b.setByte(14, (byte) 0xC0); // LBPME, LBPRZ
        return ScsiResult.data(b);
    }

    ScsiResult reportLuns(Buffer cdb) {
        long allocation = cdb.getUnsignedInt(6);
        int select = cdb.getByte(2) & 0xFF;
        if (allocation < 16 || (select > 2 && select < 0x10) || select > 0x12) {
            return ScsiResult.invalidField();
        }
        Buffer b = Buffer.buffer(new byte[16]);
        b.setInt(0, 8); // one LUN, LUN 0
        return ScsiResult.data(b);
    }

    /** MODE SENSE (6) when {@code ten} is false, else MODE SENSE (10). Pages: caching (0x08), control (0x0A). */
    ScsiResult modeSense(Buffer cdb, boolean ten, long sizeBytes) {
        boolean dbd = (cdb.getByte(1) & 0x08) != 0;
        boolean longLba = ten && (cdb.getByte(1) & 0x10) != 0;
        int pc = (cdb.getByte(2) & 0xC0) >>> 6;
        int page = cdb.getByte(2) & 0x3F;
        int subpage = cdb.getByte(3) & 0xFF;
        if (pc == 3) {
            return ScsiResult.check(ScsiResult.ILLEGAL_REQUEST, ScsiResult.SAVING_NOT_SUPPORTED);
        }
        if ((subpage != 0 && subpage != 0xFF) || (subpage == 0xFF && page != 0x3F)) {
            return ScsiResult.invalidField();
        }
        boolean changeable = pc == 1;
        Buffer pages = Buffer.buffer(64);
        switch (page) {
            case 0x08 -> cachingPage(pages);
            case 0x0A -> controlPage(pages, changeable);
            case 0x3F -> {
                cachingPage(pages);
                controlPage(pages, changeable);
            }
            default -> {
                return ScsiResult.invalidField();
            }
        }
        int descriptorLength = dbd ? 0 : longLba ? 16 : 8;
        int headerLength = ten ? 8 : 4;
        Buffer b = Buffer.buffer(headerLength + descriptorLength + pages.length());
        long blocks = sizeBytes >>> LOGICAL_BLOCK_SHIFT;
        int deviceSpecific = 0x10; // DPOFUA; not write-protected
        if (ten) {
            b.appendShort((short) (headerLength + descriptorLength + pages.length() - 2)).appendByte((byte) 0)
                    .appendByte((byte) deviceSpecific).appendByte((byte) (longLba ? 1 : 0)).appendByte((byte) 0)
                    .appendShort((short) descriptorLength);
        } else {
            b.appendByte((byte) (headerLength + descriptorLength + pages.length() - 1)).appendByte((byte) 0)
                    .appendByte((byte) deviceSpecific).appendByte((byte) descriptorLength);
        }
        if (descriptorLength == 8) {
            b.appendInt(blocks > 0xFFFFFFFFL ? -1 : (int) blocks).appendInt(LOGICAL_BLOCK);
        } else if (descriptorLength == 16) {
            b.appendLong(blocks).appendInt(0).appendInt(LOGICAL_BLOCK);
        }
        b.appendBuffer(pages);
        return ScsiResult.data(b);
    }

    /** Caching page: write cache disabled (every acknowledged write is durable), read cache enabled; none changeable. */
    private static void cachingPage(Buffer b) {
        byte[] p = new byte[20];
        p[0] = 0x08;
        p[1] = 0x12;
        b.appendBytes(p);
    }

    /** Control page: fixed-format sense (D_SENSE 0), unrestricted reordering, no software write protect. */
    private static void controlPage(Buffer b, boolean changeable) {
        byte[] p = new byte[12];
        p[0] = 0x0A;
        p[1] = 0x0A;
        if (!changeable) {
            p[3] = 0x10;            // queue algorithm modifier 1: unrestricted reordering
            p[8] = (byte) 0xFF;     // busy timeout: unlimited
            p[9] = (byte) 0xFF;
        }
        b.appendBytes(p);
    }
}
