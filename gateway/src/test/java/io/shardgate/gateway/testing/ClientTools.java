package io.shardgate.gateway.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs real client tools nobody here wrote (qemu, libnbd, fio, libiscsi) with a time limit; a missing tool fails the
 * test with the Debian package to install, it never skips.
 */
public final class ClientTools {
    private ClientTools() {
    }

    /** What a finished tool left. */
    public record Result(int exit, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }
    }

    /** Fails with the Debian package to install when {@code exe} is not on the PATH. */
    public static void require(String exe, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return;
            }
        }
        fail("client tool '" + exe + "' not found on PATH: install the Debian package " + debianPackage);
    }

    public static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nbd-tool", ".out");
        Path err = Files.createTempFile("nbd-tool", ".err");
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeout + "; stderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs and fails the test unless the tool exits with 0. */
    public static Result runOk(Duration timeout, String... command) throws IOException, InterruptedException {
        Result r = run(timeout, command);
        if (r.exit() != 0) {
            fail(String.join(" ", command) + " exited with " + r.exit() + "\nstdout: " + r.stdout() + "\nstderr: "
                    + r.stderr());
        }
        return r;
    }
}
