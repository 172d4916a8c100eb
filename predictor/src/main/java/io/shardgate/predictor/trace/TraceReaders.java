package io.shardgate.predictor.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a trace of any supported format, compressed or not. The format is detected from the content (headers,
 * field shapes, binary magic) and, for the ambiguous cases, the file name ({@code .lis}); an explicit format
 * overrides detection.
 */
public final class TraceReaders {
    private TraceReaders() {
    }

    /** Opens with detection. @throws TraceFormatException when no format matches, saying what was seen */
    public static TraceReader open(Path file) throws IOException {
        return open(file, null);
    }

    /** Opens as {@code format}, or with detection when it is null. */
    public static TraceReader open(Path file, TraceFormat format) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException("trace file not found: " + file);
        }
        InputStream in = Decompression.open(file);
        try {
            TraceFormat f = format != null ? format : detect(in, file);
            return switch (f) {
                case GATEWAY -> BinaryTraceReaders.gateway(in, file.toString());
                case LIRS2_RAW -> BinaryTraceReaders.lirs2(in, file.toString());
                default -> new TextTraceReader(in, TextFormats.parser(f), file.toString(), f);
            };
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Looks at the first bytes of the (decompressed) stream, which must support mark/reset. */
    static TraceFormat detect(InputStream in, Path file) throws IOException {
        in.mark(4096);
        byte[] head = in.readNBytes(4096);
        in.reset();
        if (head.length >= 8 && java.util.Arrays.equals(java.util.Arrays.copyOf(head, 8), GatewayTraceWriter.MAGIC)) {
            return TraceFormat.GATEWAY;
        }
        if (head.length == 0) {
            throw new TraceFormatException(file + ": empty trace");
        }
        if (!isText(head)) {
            return TraceFormat.LIRS2_RAW;
        }
        String text = new String(head, StandardCharsets.US_ASCII);
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").trim();
        if (first.startsWith("version,time,op,size,lbn")) {
            return TraceFormat.CLOUDPHYSICS_CSV;
        }
        if (first.startsWith("Timestamp,Hostname")) {
            return TraceFormat.MSR_CSV;
        }
        if (first.startsWith("Timestamp,Response")) {
            return TraceFormat.SYSTOR_CSV;
        }
        String[] f = first.split(",", -1);
        if (f.length == 7 && (f[3].equals("Read") || f[3].equals("Write"))) {
            return TraceFormat.MSR_CSV;
        }
        if (f.length == 6 && (f[2].equals("R") || f[2].equals("W"))) {
            return TraceFormat.SYSTOR_CSV;
        }
        if (f.length == 5 && (f[3].equals("0") || f[3].equals("1")) && allDigits(f)) {
            return TraceFormat.TENCENT_CSV;
        }
        if (f.length == 5 && f[2].matches("[0-9a-fA-F]{2}")) {
            return TraceFormat.CLOUDPHYSICS_CSV;
        }
        if (first.matches("\\d+(\\s+\\d+){1,3}")) {
            return TraceFormat.ARC_LIS;
        }
        throw new TraceFormatException(file + ": unknown trace format; first line: '"
                + (first.length() > 100 ? first.substring(0, 100) + "..." : first)
                + "'. Known formats: cloudphysics-csv, arc-lis, msr-csv, systor-csv, tencent-csv, lirs2-raw, gateway"
                + " (name one with --format)");
    }

    private static boolean allDigits(String[] fields) {
        for (String s : fields) {
            if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isText(byte[] head) {
        for (byte b : head) {
            int c = b & 0xff;
            if (c < 0x09 || (c > 0x0d && c < 0x20) || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
