package io.shardgate.predictor.trace;

/** Line parsers for the text formats. Each call makes a fresh parser: some keep the first timestamp. */
final class TextFormats {
    private TextFormats() {
    }

    static LineParser parser(TraceFormat format) {
        return switch (format) {
            case CLOUDPHYSICS_CSV -> new Relative(TextFormats::cloudPhysics);
            case ARC_LIS -> TextFormats::arcLis;
            case MSR_CSV -> new Relative(TextFormats::msr);
            case SYSTOR_CSV -> new Relative(TextFormats::systor);
            case TENCENT_CSV -> new Relative(TextFormats::tencent);
            default -> throw new IllegalArgumentException(format.id() + " is not a text format");
        };
    }

    /** Makes timestamps relative to the first record's. */
    private static final class Relative implements LineParser {
        private final LineParser absolute;
        private long first = Long.MIN_VALUE;

        Relative(LineParser absolute) {
            this.absolute = absolute;
        }

        @Override
        public AccessRecord parse(String line, long lineNumber) throws BadLine {
            AccessRecord r = absolute.parse(line, lineNumber);
            if (r == null) {
                return null;
            }
            if (first == Long.MIN_VALUE) {
                first = r.timeNanos();
            }
            return new AccessRecord(r.timeNanos() - first, r.volume(), r.offset(), r.length(), r.write());
        }
    }

    static String[] fields(String line, char sep, int expected) throws LineParser.BadLine {
        String[] f = new String[expected];
        int start = 0;
        for (int i = 0; i < expected; i++) {
            int end = i == expected - 1 ? line.length() : line.indexOf(sep, start);
            if (end < 0) {
                throw new LineParser.BadLine("expected " + expected + " fields, found " + (i + 1));
            }
            f[i] = line.substring(start, end).trim();
            start = end + 1;
        }
        if (f[expected - 1].indexOf(sep) >= 0) {
            throw new LineParser.BadLine("expected " + expected + " fields, found more");
        }
        return f;
    }

    static long number(String s, String what) throws LineParser.BadLine {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new LineParser.BadLine(what + " is not a whole number: '" + s + "'");
        }
    }

    static double decimal(String s, String what) throws LineParser.BadLine {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new LineParser.BadLine(what + " is not a number: '" + s + "'");
        }
    }

    static AccessRecord record(long timeNanos, int volume, long offset, long length, boolean write)
            throws LineParser.BadLine {
        if (offset < 0) {
            throw new LineParser.BadLine("negative offset " + offset);
        }
        if (length <= 0 || length > Integer.MAX_VALUE) {
            throw new LineParser.BadLine("length " + length + " is not in 1.." + Integer.MAX_VALUE);
        }
        return new AccessRecord(timeNanos, volume, offset, (int) length, write);
    }

    private static AccessRecord cloudPhysics(String line, long n) throws LineParser.BadLine {
        if (line.startsWith("version")) {
            return null;
        }
        String[] f = fields(line, ',', 5);
        long time = Math.round(decimal(f[1], "time") * 1e9);
        String op = f[2].toLowerCase(java.util.Locale.ROOT);
        boolean write = switch (op) {
            case "28", "08", "88", "a8" -> false; // READ(10), READ(6), READ(16), READ(12)
            case "2a", "0a", "8a", "aa" -> true;  // WRITE(10), WRITE(6), WRITE(16), WRITE(12)
            default -> throw new LineParser.BadLine("unknown SCSI opcode '" + f[2] + "'");
        };
        return record(time, 0, number(f[4], "lbn") * 512, number(f[3], "size"), write);
    }

    private static AccessRecord arcLis(String line, long n) throws LineParser.BadLine {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2 || f.length > 4) {
            throw new LineParser.BadLine("expected 'start count [unused [request]]'");
        }
        return record(-1, 0, number(f[0], "start") * 512, number(f[1], "count") * 512, false);
    }

    private static AccessRecord msr(String line, long n) throws LineParser.BadLine {
        if (line.startsWith("Timestamp")) {
            return null;
        }
        String[] f = fields(line, ',', 7);
        boolean write = switch (f[3]) {
            case "Write" -> true;
            case "Read" -> false;
            default -> throw new LineParser.BadLine("Type must be Read or Write, was '" + f[3] + "'");
        };
        // FILETIME: 100 ns units
        return record(number(f[0], "Timestamp") * 100, (int) number(f[2], "DiskNumber"), number(f[4], "Offset"),
                number(f[5], "Size"), write);
    }

    private static AccessRecord systor(String line, long n) throws LineParser.BadLine {
        if (line.startsWith("Timestamp")) {
            return null;
        }
        String[] f = fields(line, ',', 6);
        boolean write = switch (f[2]) {
            case "W", "w" -> true;
            case "R", "r" -> false;
            default -> throw new LineParser.BadLine("IOType must be R or W, was '" + f[2] + "'");
        };
        return record(Math.round(decimal(f[0], "Timestamp") * 1e9), (int) number(f[3], "LUN"),
                number(f[4], "Offset"), number(f[5], "Size"), write);
    }

    private static AccessRecord tencent(String line, long n) throws LineParser.BadLine {
        String[] f = fields(line, ',', 5);
        long type = number(f[3], "io_type");
        if (type != 0 && type != 1) {
            throw new LineParser.BadLine("io_type must be 0 (read) or 1 (write), was " + type);
        }
        return record(number(f[0], "timestamp") * 1_000_000_000L, (int) number(f[4], "volume_id"),
                number(f[1], "offset") * 512, number(f[2], "size") * 512, type == 1);
    }
}
