package io.shardgate.gateway.iscsi;

import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.concurrent.TimeUnit;

/**
 * JMH: framing one SCSI command PDU out of a socket buffer, the first step of every iSCSI request: a READ (10)
 * command (48-byte header) or a WRITE (10) with 4 KiB of immediate data, with and without CRC32C digests. Run with
 * {@code tests/bench/iscsi-pdu-decode.sh}; results go to the JSON file named by the first argument.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PduDecodeBenchmark {
    @Param({"0", "4096"})
    int dataBytes;
    @Param({"false", "true"})
    boolean digests;

    private Buffer pdu;
    private PduDecoder decoder;

    @Setup
    public void setup() {
        Buffer bhs = Buffer.buffer(new byte[48]);
        bhs.setByte(0, (byte) 0x01);
        bhs.setByte(1, (byte) (dataBytes > 0 ? 0xA1 : 0xC1));
        bhs.setMedium(5, dataBytes);
        bhs.setInt(20, 4096);
        bhs.setByte(32, (byte) (dataBytes > 0 ? 0x2A : 0x28));
        pdu = Buffer.buffer().appendBuffer(bhs);
        if (digests) {
            pdu.appendIntLE(Digests.crc(bhs, 0, 48, 0));
        }
        Buffer data = Buffer.buffer(new byte[dataBytes]);
        pdu.appendBuffer(data);
        if (digests && dataBytes > 0) {
            pdu.appendIntLE(Digests.crc(data, 0, dataBytes, 0));
        }
        decoder = new PduDecoder(1 << 20);
        decoder.configure(1 << 20, digests, digests);
    }

    @Benchmark
    public Pdu decode() {
        decoder.feed(pdu);
        return decoder.next();
    }

    public static void main(String[] args) throws Exception {
        String out = args.length > 0 ? args[0] : "iscsi-pdu-decode.json";
        new Runner(new OptionsBuilder().include(PduDecodeBenchmark.class.getSimpleName()).forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                .measurementTime(TimeValue.seconds(1)).resultFormat(ResultFormatType.JSON).result(out).build()).run();
    }
}
