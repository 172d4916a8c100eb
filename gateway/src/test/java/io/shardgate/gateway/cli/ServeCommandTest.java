package io.shardgate.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve's settings are checked before anything starts, whether they come from flags or a file of flags. */
class ServeCommandTest {

    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBadSettingInAConfigFileIsNamedAndNothingStarts(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.args"), "--embedded\n--data-dir\n" + dir.resolve("d")
                + "\n--nbd-port\n99999\n");
        int[] code = new int[1];
        String err = stderrOf(() -> code[0] = Main.run("serve", "@" + config));
        assertEquals(2, code[0]);
        assertTrue(err.contains("--nbd-port must be 0-65535, was 99999"), err);
        assertTrue(!Files.exists(dir.resolve("d")), "nothing was created");
    }

    @Test
    void modeAndStoreAreCheckedToo() {
        int[] code = new int[1];
        String err = stderrOf(() -> code[0] = Main.run("serve"));
        assertEquals(2, code[0]);
        assertTrue(err.contains("--embedded"), err);
        err = stderrOf(() -> code[0] = Main.run("serve", "--embedded", "--store", "floppy"));
        assertEquals(2, code[0]);
        assertTrue(err.contains("--store must be local or rados"), err);
        err = stderrOf(() -> code[0] = Main.run("serve", "--embedded", "--store", "rados"));
        assertEquals(2, code[0]);
        assertTrue(err.contains("--ceph-conf is required"), err);
    }
}
