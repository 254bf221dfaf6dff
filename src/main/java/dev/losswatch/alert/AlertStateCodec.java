package dev.losswatch.alert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.OptionalDouble;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

import dev.losswatch.events.AlertState;
import dev.losswatch.events.LogBase;

/**
 * Turns a {@link DriftMonitor} (reference period or baseline, detector statistics, both lifecycles) into
 * compact bytes and back, for a state store. The first byte is the format version; enums are stored by
 * name, so reordering their symbols cannot corrupt stored state. A monitor takes up to about 13 KB while
 * learning and about 18 KB once monitoring, mostly the quantile sketch and the exact upper tail.
 */
public final class AlertStateCodec {
    static final byte FORMAT_VERSION = 1;
    private static final byte LEARNING = 0;
    private static final byte MONITORING = 1;

    private AlertStateCodec() {
    }

    public static byte[] encode(DriftMonitor monitor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            writeSubject(out, monitor.subject());
            PreviousVersion previous = monitor.previousVersion();
            out.writeBoolean(previous != null);
            if (previous != null) {
                out.writeUTF(previous.version());
                out.writeDouble(previous.mean());
                out.writeDouble(previous.varianceOfMean());
                out.writeDouble(previous.effectiveCount());
            }
            if (monitor.referencePeriod().isPresent()) {
                ReferencePeriod reference = monitor.referencePeriod().get();
                out.writeByte(LEARNING);
                out.writeLong(reference.start().toEpochMilli());
                out.writeLong(reference.lastSeen().toEpochMilli());
                writeSample(out, reference.sample());
            } else {
                Baseline baseline = monitor.baseline().orElseThrow();
                out.writeByte(MONITORING);
                out.writeLong(baseline.referenceStart().toEpochMilli());
                out.writeLong(baseline.referenceEnd().toEpochMilli());
                writeSample(out, baseline.sample());
                writeNullableDouble(out, baseline.configuredMean().isPresent() ? baseline.configuredMean().getAsDouble() : null);
                writeSequential(out, monitor.sequential());
            }
            writeLifecycle(out, monitor.windowLifecycle());
            writeLifecycle(out, monitor.sequentialLifecycle());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a monitor state of a known format version
     */
    public static DriftMonitor decode(byte[] state) {
        if (state == null || state.length == 0) {
            throw new IllegalArgumentException("alert state is empty");
        }
        if (state[0] != FORMAT_VERSION) {
            throw new IllegalArgumentException("alert state has format version " + state[0] + "; this build reads version "
                    + FORMAT_VERSION);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state, 1, state.length - 1))) {
            AlertSubject subject = readSubject(in);
            PreviousVersion previous = in.readBoolean()
                    ? new PreviousVersion(in.readUTF(), in.readDouble(), in.readDouble(), in.readDouble()) : null;
            byte phase = in.readByte();
            ReferencePeriod reference = null;
            Baseline baseline = null;
            SequentialDetector sequential = null;
            if (phase == LEARNING) {
                reference = new ReferencePeriod(Instant.ofEpochMilli(in.readLong()), Instant.ofEpochMilli(in.readLong()),
                        readSample(in));
            } else if (phase == MONITORING) {
                baseline = new Baseline(Instant.ofEpochMilli(in.readLong()), Instant.ofEpochMilli(in.readLong()),
                        readSample(in), optional(readNullableDouble(in)));
                sequential = readSequential(in);
            } else {
                throw new IllegalArgumentException("unknown phase " + phase);
            }
            AlertLifecycle window = readLifecycle(in);
            AlertLifecycle sequentialLifecycle = readLifecycle(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " unexpected trailing bytes");
            }
            return new DriftMonitor(subject, previous, reference, baseline, sequential, window, sequentialLifecycle);
        } catch (EOFException e) {
            throw new IllegalArgumentException("alert state of " + state.length + " bytes is truncated", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("alert state of " + state.length + " bytes is corrupt: " + e.getMessage(), e);
        }
    }

    private static void writeSubject(DataOutputStream out, AlertSubject subject) throws IOException {
        out.writeUTF(subject.modelId());
        out.writeUTF(subject.modelVersion());
        out.writeUTF(subject.sliceKey());
        out.writeUTF(subject.sliceValue());
        out.writeUTF(subject.logBase().name());
        writeNullableString(out, subject.previousVersion());
        writeNullableDouble(out, subject.previousVersionBaseline());
        writeNullableString(out, subject.versionNote());
    }

    private static AlertSubject readSubject(DataInputStream in) throws IOException {
        return new AlertSubject(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(), LogBase.valueOf(in.readUTF()),
                readNullableString(in), readNullableDouble(in), readNullableString(in));
    }

    private static void writeSample(DataOutputStream out, LossSample sample) throws IOException {
        writeMoments(out, sample.weighted());
        writeMoments(out, sample.perEvent());
        writeSketch(out, sample.sketch());
        writeDoubles(out, sample.upperTail().sortedValues());
    }

    private static LossSample readSample(DataInputStream in) throws IOException {
        return new LossSample(readMoments(in), readMoments(in), readSketch(in), UpperTail.of(readDoubles(in)));
    }

    private static void writeMoments(DataOutputStream out, LossMoments moments) throws IOException {
        out.writeLong(moments.count());
        out.writeDouble(moments.weightSum());
        out.writeDouble(moments.weightSquareSum());
        out.writeDouble(moments.mean());
        out.writeDouble(moments.m2());
    }

    private static LossMoments readMoments(DataInputStream in) throws IOException {
        return LossMoments.restore(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    }

    private static void writeSketch(DataOutputStream out, KllDoublesSketch sketch) throws IOException {
        byte[] bytes = sketch.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static KllDoublesSketch readSketch(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return KllDoublesSketch.heapify(Memory.wrap(bytes));
    }

    private static void writeSequential(DataOutputStream out, SequentialDetector detector) throws IOException {
        SequentialDetector.Calibration calibration = detector.calibration();
        out.writeDouble(calibration.baselineMean());
        out.writeDouble(calibration.cap());
        writeDoubles(out, calibration.rises());
        writeDoubles(out, calibration.references());
        writeDoubles(out, calibration.thresholds());
        out.writeDouble(calibration.basis().minRelativeIncrease());
        out.writeDouble(calibration.basis().expectedEventsBetweenFalseAlarms());
        out.writeDouble(calibration.basis().winsorizeQuantile());
        writeDoubles(out, detector.sums());
        writeLongs(out, detector.runEvents());
        writeDoubles(out, detector.runLossSums());
        writeLongs(out, detector.runStartMillis());
    }

    private static SequentialDetector readSequential(DataInputStream in) throws IOException {
        SequentialDetector.Calibration calibration = new SequentialDetector.Calibration(in.readDouble(), in.readDouble(),
                readDoubles(in), readDoubles(in), readDoubles(in),
                new SequentialDetector.Basis(in.readDouble(), in.readDouble(), in.readDouble()));
        return SequentialDetector.restore(calibration, readDoubles(in), readLongs(in), readDoubles(in), readLongs(in));
    }

    private static void writeLifecycle(DataOutputStream out, AlertLifecycle lifecycle) throws IOException {
        out.writeUTF(lifecycle.state().name());
        out.writeInt(lifecycle.breaches());
        out.writeInt(lifecycle.clears());
        writeNullableInstant(out, lifecycle.since());
        writeNullableInstant(out, lifecycle.resolvedAt());
    }

    private static AlertLifecycle readLifecycle(DataInputStream in) throws IOException {
        return new AlertLifecycle(AlertState.valueOf(in.readUTF()), in.readInt(), in.readInt(), readNullableInstant(in),
                readNullableInstant(in));
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double value : values) {
            out.writeDouble(value);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] values = new double[readLength(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeInt(values.length);
        for (long value : values) {
            out.writeLong(value);
        }
    }

    private static long[] readLongs(DataInputStream in) throws IOException {
        long[] values = new long[readLength(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    private static int readLength(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available() / Double.BYTES) {
            throw new IllegalArgumentException("an array of " + length + " numbers is announced but only " + in.available()
                    + " bytes remain");
        }
        return length;
    }

    private static void writeNullableString(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullableString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeNullableDouble(DataOutputStream out, Double value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeDouble(value);
        }
    }

    private static Double readNullableDouble(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    private static void writeNullableInstant(DataOutputStream out, Instant value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value.toEpochMilli());
        }
    }

    private static Instant readNullableInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochMilli(in.readLong()) : null;
    }

    private static OptionalDouble optional(Double value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
