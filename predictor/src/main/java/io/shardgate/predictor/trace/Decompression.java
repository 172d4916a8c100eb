package io.shardgate.predictor.trace;

import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a file, undoing gzip, bzip2, xz or zstd compression recognised by the magic bytes (not the name). */
final class Decompression {
    private Decompression() {
    }

    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(8);
        byte[] magic = raw.readNBytes(6);
        raw.reset();
        InputStream in;
        if (startsWith(magic, 0x1f, 0x8b)) {
            in = new GZIPInputStream(raw, 1 << 16);
        } else if (startsWith(magic, 'B', 'Z', 'h')) {
            in = new BZip2CompressorInputStream(raw, true);
        } else if (startsWith(magic, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            in = new XZInputStream(raw);
        } else if (startsWith(magic, 0x28, 0xb5, 0x2f, 0xfd)) {
            in = new ZstdInputStream(raw);
        } else {
            return raw;
        }
        return new BufferedInputStream(in, 1 << 16);
    }

    private static boolean startsWith(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
