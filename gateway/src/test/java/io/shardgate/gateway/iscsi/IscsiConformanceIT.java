package io.shardgate.gateway.iscsi;

import io.shardgate.gateway.server.EmbeddedGateway;
import io.shardgate.gateway.testing.ClientTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libiscsi's conformance suite {@code iscsi-test-cu --dataloss}, every family ({@code ALL}: SCSI and iSCSI tests),
 * with the multipath tests over two sessions, against a scratch volume of a real embedded gateway. Writes the
 * per-test table to {@code target/iscsi-test-cu.txt} (the committed copy is {@code docs/results/iscsi-test-cu.txt}).
 *
 * <p>Passes when every test of the LINUX family (what Linux LIO is expected to pass) passes or is skipped by the
 * suite itself, and every failure anywhere is one of {@link #KNOWN_FAILURES}, each with its reason.
 */
class IscsiConformanceIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    /** Suite.Test that fail, and why. Keep docs/iscsi.md in step. */
    static final Map<String, String> KNOWN_FAILURES = Map.of(
            "GetLBAStatus.UnmapSingle", "the test asks the LBA status at i+1 and expects the first descriptor to start"
                    + " at i+8; SBC-3 5.8 says the first descriptor starts at the requested LBA, which we return (LIO"
                    + " passes by not implementing GET LBA STATUS, so the test skips)",
            "iSCSIdatasn.iSCSIDataSnInvalid", "after the session is dropped for a bad DataSN, libiscsi reconnects"
                    + " with ImmediateData=Yes again, so the one-block write of the DataSN=-1 case carries no Data-Out"
                    + " PDU to corrupt and succeeds");
    private static final Pattern TEST = Pattern.compile("Suite: (\\S+)|  Test: (\\S+) \\.\\.\\.(.*?)(?:(?<=\\.\\.\\.)|\\n)"
            + "(passed|FAILED)", Pattern.DOTALL);
    private static final Pattern SKIP = Pattern.compile("\\[SKIPPED\\] ([^\\n]*)");
    private static final Pattern FAILURE = Pattern.compile("\\[FAILED\\] ([^\\n]*)");

    @TempDir
    Path dir;

    @Test
    void wholeSuiteAgainstAScratchVolume() throws Exception {
        ClientTools.require("iscsi-test-cu", "libiscsi-bin");
        Set<String> linux = linuxFamily();
        assertTrue(linux.size() > 100, "the suite lists its LINUX family: " + linux.size());
        Map<String, String> results;
        Run run;
        Set<String> missing;
        try (EmbeddedGateway g = GatewayAccess.single(dir.resolve("gw"))) {
            GatewayAccess.create(g, "scratch", 64 << 20, 20000);
            String url = GatewayAccess.url(g, null, "scratch");
            run = runSuite(url, dir.resolve("cu-1"));
            results = parse(run.log());
            missing = missingFrom(linux, results);
            if (!missing.isEmpty()) {
                // The suite has once stopped partway in CI (15 s instead of 20, with no failure reported) and never
                // here in isolation: rerun it once, loudly, with the first run's end in the output; the second run
                // must be complete.
                System.err.println("IscsiConformanceIT: iscsi-test-cu stopped early (exit " + run.exit() + ", "
                        + missing.size() + " LINUX tests did not run); rerunning once. Its log ended with:\n"
                        + run.tail());
                run = runSuite(url, dir.resolve("cu-2"));
                results = parse(run.log());
                missing = missingFrom(linux, results);
            }
        }
        assertTrue(missing.isEmpty(), "every LINUX test ran; iscsi-test-cu exited with " + run.exit() + ", missing "
                + missing.size() + " (first: " + missing.stream().limit(5).toList() + "); the log ends with:\n"
                + run.tail());
        List<String> unexpected = new ArrayList<>();
        int passed = 0;
        int skipped = 0;
        StringBuilder table = new StringBuilder("# iscsi-test-cu --dataloss -t ALL (libiscsi-bin, Debian), multipath"
                + " tests over two sessions, against a 64 MiB scratch volume of an embedded gateway\n"
                + "# test | in LINUX family | result\n");
        for (Map.Entry<String, String> e : results.entrySet()) {
            String result = e.getValue();
            boolean inLinux = linux.contains(e.getKey());
            table.append(e.getKey()).append(" | ").append(inLinux ? "LINUX" : "-").append(" | ").append(result);
            if (result.startsWith("FAILED")) {
                String reason = KNOWN_FAILURES.get(e.getKey());
                if (reason == null) {
                    unexpected.add(e.getKey() + ": " + result);
                } else {
                    table.append(" -- known: ").append(reason);
                }
            } else if (result.startsWith("passed, suite skipped")) {
                skipped++;
            } else {
                passed++;
            }
            table.append('\n');
        }
        table.append("# ").append(results.size()).append(" tests: ").append(passed).append(" passed, ").append(skipped)
                .append(" passed with the test or part of it skipped by the suite, ").append(results.size() - passed - skipped).append(" failed\n");
        Files.writeString(Path.of("target", "iscsi-test-cu.txt"), table);
        assertEquals(List.of(), unexpected, "failures outside the known list:\n" + table);
        for (String t : linux) {
            assertTrue(!results.get(t).startsWith("FAILED") || KNOWN_FAILURES.containsKey(t), t);
        }
    }

    /** One run of the suite: its verbose log and exit code. */
    record Run(String log, int exit) {
        String tail() {
            return log.substring(Math.max(0, log.length() - 3000));
        }
    }

    private static Run runSuite(String url, Path work) throws Exception {
        Files.createDirectories(work);
        Process p = new ProcessBuilder("iscsi-test-cu", "--dataloss", "-t", "ALL", "-v", url, url)
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("log").toFile())
                .start();
        if (!p.waitFor(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("iscsi-test-cu did not finish within " + LIMIT);
        }
        return new Run(Files.readString(work.resolve("log")), p.exitValue());
    }

    private static Set<String> missingFrom(Set<String> expected, Map<String, String> results) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(results.keySet());
        return missing;
    }

    /** Suite.Test names of the LINUX family, from {@code iscsi-test-cu -l}. */
    private static Set<String> linuxFamily() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : ClientTools.runOk(Duration.ofSeconds(30), "iscsi-test-cu", "-l").stdout().split("\n")) {
            String t = line.trim();
            if (t.startsWith("LINUX.") && t.indexOf('.', 6) > 0) {
                names.add(t.substring(6));
            }
        }
        return names;
    }

    /** Suite.Test to "passed", "passed, suite skipped (part): why" or "FAILED: first message", from the verbose log. */
    static Map<String, String> parse(String log) {
        Map<String, String> out = new LinkedHashMap<>();
        String suite = "?";
        Matcher m = TEST.matcher(log);
        while (m.find()) {
            if (m.group(1) != null) {
                suite = m.group(1);
                continue;
            }
            String body = m.group(3);
            String result;
            if (m.group(4).equals("FAILED")) {
                Matcher f = FAILURE.matcher(body);
                result = "FAILED" + (f.find() ? ": " + f.group(1).trim() : "");
            } else {
                Matcher s = SKIP.matcher(body);
                // A [SKIPPED] line means the suite left out the test or part of it (a command we do not implement)
                result = s.find() ? "passed, suite skipped (part): " + s.group(1).trim() : "passed";
            }
            out.put(suite + "." + m.group(2), result);
        }
        return out;
    }
}
