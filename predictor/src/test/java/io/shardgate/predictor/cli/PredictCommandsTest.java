package io.shardgate.predictor.cli;

import io.shardgate.predictor.SharedTraces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code predict train} and {@code predict eval --policies lstm}: help, and clear errors that write nothing. */
class PredictCommandsTest {

    /** Runs a command, returns {exit code, stdout + stderr}. */
    private static Object[] run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = new CommandLine(new PredictCommand()).execute(args);
            return new Object[] {code, buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void trainHasHelp() {
        Object[] r = run("train", "--help");
        assertEquals(0, r[0]);
        String help = (String) r[1];
        for (String option : new String[] {"--trace", "--workload", "--out", "--split", "--epochs", "--hidden",
                "--window", "--max-requests", "--threads", "--no-tune"}) {
            assertTrue(help.contains(option), option + " in:\n" + help);
        }
    }

    @Test
    void trainRefusesBadInputWithAMessageAndWritesNoModel(@TempDir Path dir) {
        Path out = dir.resolve("m.zip");
        Object[] r = run("train", "--trace", dir.resolve("missing.csv").toString(), "--workload", "general", "--out",
                out.toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("predict train: trace file not found"), (String) r[1]);
        r = run("train", "--trace", SharedTraces.file("cloudPhysicsIO.csv").toString(), "--workload", "Big DB",
                "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--workload must be a lower-case word"), (String) r[1]);
        r = run("train", "--trace", SharedTraces.file("cloudPhysicsIO.csv").toString(), "--workload", "general",
                "--hidden", "2000", "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("parameters, more than 2000000"), (String) r[1]);
        assertFalse(Files.exists(out));
    }

    @Test
    void evalOfLstmChecksTheModelBeforeReplaying(@TempDir Path dir) throws Exception {
        String trace = SharedTraces.file("cloudPhysicsIO.csv").toString();
        Object[] r = run("eval", "--trace", trace, "--policies", "none,lstm");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("policy lstm needs --model FILE"), (String) r[1]);
        assertFalse(((String) r[1]).contains("hit"), "no replay ran: " + r[1]);
        Path notModel = Files.writeString(dir.resolve("x.zip"), "text");
        r = run("eval", "--trace", trace, "--policies", "lstm", "--model", notModel.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("not a ShardGate LSTM model"), (String) r[1]);
    }
}
