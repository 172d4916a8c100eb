package io.shardgate.predictor.lstm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The model file: a zip with {@code model.json} ({@link ModelInfo}), {@code weights.bin} (the {@link PlainLstm}
 * weights, big-endian floats) and optionally {@code dl4j-network.zip} (the DL4J network as DL4J saves it, to resume
 * training or re-check the plain forward pass; loading for inference never reads it, so it needs no native code).
 * Written to a temporary file and moved into place, so a failed write never leaves half a model.
 */
public final class ModelFile {
    /** The format tag in {@code model.json}. */
    public static final String FORMAT = "shardgate-lstm/2";
    static final String INFO = "model.json";
    static final String WEIGHTS = "weights.bin";
    static final String NETWORK = "dl4j-network.zip";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A loaded model: what it says about itself and its weights. Immutable. */
    public record Model(ModelInfo info, Vocabulary vocabulary, PlainLstm network) {
    }

    private ModelFile() {
    }

    /** Writes a model; {@code dl4jNetwork} (DL4J's own serialised form) may be null. */
    static void write(Path file, ModelInfo info, PlainLstm weights, byte[] dl4jNetwork) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // not createTempFile: its owner-only permissions would stay on the model after the move
        Path tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
                + ".tmp");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
                 ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry(INFO));
                zip.write(JSON.writeValueAsBytes(info));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(WEIGHTS));
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(zip));
                weights.write(data);
                data.flush();
                zip.closeEntry();
                if (dl4jNetwork != null) {
                    zip.putNextEntry(new ZipEntry(NETWORK));
                    zip.write(dl4jNetwork);
                    zip.closeEntry();
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a model file.
     *
     * @throws IOException when it is not a model file of this format, or its parts disagree
     */
    public static Model read(Path file) throws IOException {
        ModelInfo info = null;
        PlainLstm weights = null;
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file));
             ZipInputStream zip = new ZipInputStream(is)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(INFO)) {
                    info = JSON.readValue(zip.readAllBytes(), ModelInfo.class);
                } else if (e.getName().equals(WEIGHTS)) {
                    weights = PlainLstm.read(new DataInputStream(new BufferedInputStream(zip)));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable ShardGate LSTM model (" + e.getMessage() + ")", e);
        }
        if (info == null || weights == null) {
            throw new IOException(file + ": not a ShardGate LSTM model (no " + (info == null ? INFO : WEIGHTS) + ")");
        }
        if (!FORMAT.equals(info.format())) {
            throw new IOException(file + ": model format '" + info.format() + "', expected " + FORMAT);
        }
        Vocabulary vocab = new Vocabulary(info.farGaps());
        if (vocab.size() != weights.classes || StreamFeatures.inputSize(vocab) != weights.inputs
                || info.hidden() != weights.hidden) {
            throw new IOException(file + ": the weights (" + weights.inputs + " inputs, " + weights.hidden
                    + " units, " + weights.classes + " classes) do not match model.json");
        }
        return new Model(info, vocab, weights);
    }

    /** DL4J's serialised network stored in the model file, or null if it has none. */
    static byte[] readNetwork(Path file) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(NETWORK)) {
                    return zip.readAllBytes();
                }
            }
        }
        return null;
    }
}
