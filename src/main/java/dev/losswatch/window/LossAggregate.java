package dev.losswatch.window;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.LossWindow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A mergeable summary of scored events: count, Σw, Σw·loss, a weighted variance, min, max, a KLL quantile
 * sketch of the loss, Σw·correct, Σw·confidence, and the number of predictions seen (labelled or not).
 *
 * <ul>
 *   <li>The sums are compensated (Neumaier) and merge both of their parts, so count and Σw·loss do not
 *       depend on the order in which events or partial aggregates are combined beyond the last ulp:
 *       a two-stage aggregation (per model and shard, then per model) equals the one-stage result.</li>
 *   <li>The variance is weighted Welford per event and Chan's parallel formula per merge; it is the
 *       population variance {@code Σw(x - mean)² / Σw}.</li>
 *   <li>Quantiles come from a KLL sketch of the events' losses, unweighted (KLL takes integer weights
 *       only); their rank error is {@link #quantileRankError()}.</li>
 *   <li>{@link #add} allocates nothing apart from the sketch's rare growth by a level.</li>
 *   <li>A statistic of no events (the mean of an empty window, the coverage of a window that saw no
 *       predictions) is NaN: undefined, never a misleading 0.</li>
 * </ul>
 * Not thread-safe: one aggregate belongs to one stream task.
 */
public final class LossAggregate {
    public static final int DEFAULT_SKETCH_K = 200;
    /** The smallest k a KLL sketch accepts. */
    public static final int MIN_SKETCH_K = 8;
    public static final int MAX_SKETCH_K = KllSketch.MAX_K;

    private static final int FORMAT_VERSION = 1;
    private static final int FIXED_BYTES = 1 + 2 * Long.BYTES + 12 * Double.BYTES;

    private long count;
    private long predictionCount;
    private final CompensatedSum weightSum = new CompensatedSum();
    private final CompensatedSum weightedLossSum = new CompensatedSum();
    private final CompensatedSum weightedCorrectSum = new CompensatedSum();
    private final CompensatedSum weightedConfidenceSum = new CompensatedSum();
    private double welfordMean;
    /** Σw(x - mean)², kept by Welford/Chan. */
    private double welfordM2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final KllDoublesSketch sketch;

    public LossAggregate() {
        this(DEFAULT_SKETCH_K);
    }

    public LossAggregate(int sketchK) {
        this(KllDoublesSketch.newHeapInstance(requireSketchK(sketchK)));
    }

    private LossAggregate(KllDoublesSketch sketch) {
        this.sketch = sketch;
    }

    static int requireSketchK(int sketchK) {
        if (sketchK < MIN_SKETCH_K || sketchK > MAX_SKETCH_K) {
            throw new IllegalArgumentException("KLL sketch k must be in [" + MIN_SKETCH_K + ", " + MAX_SKETCH_K
                    + "], got " + sketchK);
        }
        return sketchK;
    }

    /**
     * Checks one scored event; the message names the argument and its value. Public so that inputs can be
     * rejected where they are made, before they reach a window.
     */
    public static void requireValidEvent(double loss, double weight, double confidence) {
        if (!Double.isFinite(loss)) {
            throw new IllegalArgumentException("loss must be finite, got " + loss);
        }
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight must be finite and > 0, got " + weight);
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
        }
    }

    /** One scored event. */
    public void add(double loss, double weight, boolean correct, double confidence) {
        requireValidEvent(loss, weight, confidence);
        count++;
        weightSum.add(weight);
        weightedLossSum.add(weight * loss);
        if (correct) {
            weightedCorrectSum.add(weight);
        }
        weightedConfidenceSum.add(weight * confidence);
        double delta = loss - welfordMean;
        welfordMean += delta * (weight / weightSum.value());
        welfordM2 += weight * delta * (loss - welfordMean);
        min = Math.min(min, loss);
        max = Math.max(max, loss);
        sketch.update(loss);
    }

    /** One prediction seen, labelled or not: the denominator of {@link #labelCoverage()}. */
    public void addPrediction() {
        predictionCount++;
    }

    /** Adds {@code other} into this aggregate; {@code other} is left unchanged. */
    public void merge(LossAggregate other) {
        if (other == this) {
            throw new IllegalArgumentException("an aggregate cannot be merged into itself");
        }
        if (other.count > 0) {
            if (count == 0) {
                welfordMean = other.welfordMean;
                welfordM2 = other.welfordM2;
            } else {
                double thisWeight = weightSum.value();
                double otherWeight = other.weightSum.value();
                double totalWeight = thisWeight + otherWeight;
                double delta = other.welfordMean - welfordMean;
                welfordMean += delta * (otherWeight / totalWeight);
                welfordM2 += other.welfordM2 + delta * delta * (thisWeight * (otherWeight / totalWeight));
            }
            sketch.merge(other.sketch);
        }
        count += other.count;
        predictionCount += other.predictionCount;
        weightSum.add(other.weightSum);
        weightedLossSum.add(other.weightedLossSum);
        weightedCorrectSum.add(other.weightedCorrectSum);
        weightedConfidenceSum.add(other.weightedConfidenceSum);
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** Scored events. */
    public long count() {
        return count;
    }

    /** Predictions seen, labelled or not. */
    public long predictionCount() {
        return predictionCount;
    }

    /** Σw. */
    public double weightSum() {
        return weightSum.value();
    }

    /** Σw·loss. */
    public double weightedLossSum() {
        return weightedLossSum.value();
    }

    /** Σw over correct predictions. */
    public double weightedCorrectSum() {
        return weightedCorrectSum.value();
    }

    /** Σw·confidence. */
    public double weightedConfidenceSum() {
        return weightedConfidenceSum.value();
    }

    /** Σw·loss / Σw. */
    public double meanLoss() {
        return count == 0 ? Double.NaN : weightedLossSum.value() / weightSum.value();
    }

    /** Weighted population variance Σw(loss - mean)² / Σw. */
    public double lossVariance() {
        return count == 0 ? Double.NaN : Math.max(0.0, welfordM2 / weightSum.value());
    }

    public double lossStdDev() {
        return Math.sqrt(lossVariance());
    }

    public double minLoss() {
        return count == 0 ? Double.NaN : min;
    }

    public double maxLoss() {
        return count == 0 ? Double.NaN : max;
    }

    /** The loss at normalized rank {@code rank} in [0, 1] (inclusive search), unweighted. */
    public double lossQuantile(double rank) {
        if (!(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("quantile rank must be in [0, 1], got " + rank);
        }
        return count == 0 ? Double.NaN : sketch.getQuantile(rank);
    }

    /** How far, in normalized rank, a quantile of this aggregate may be from the true one (99% confidence). */
    public double quantileRankError() {
        return sketch.getNormalizedRankError(false);
    }

    public int sketchK() {
        return sketch.getK();
    }

    /** Weighted share of correct predictions. */
    public double accuracy() {
        return count == 0 ? Double.NaN : weightedCorrectSum.value() / weightSum.value();
    }

    /** Weighted mean confidence. */
    public double meanConfidence() {
        return count == 0 ? Double.NaN : weightedConfidenceSum.value() / weightSum.value();
    }

    /**
     * {@code count / predictionCount}: the share of the window's predictions that have been scored. NaN when
     * no prediction was seen, e.g. when windows are on label time and predictions are not counted.
     */
    public double labelCoverage() {
        return predictionCount == 0 ? Double.NaN : (double) count / predictionCount;
    }

    /**
     * This aggregate as the {@code LossWindow} of {@code window}; undefined statistics are NaN (see the class
     * comment). {@code logBase} is the unit the losses are in; E when the window holds no loss.
     */
    public LossWindow toLossWindow(WindowId window, TimeBasis timeBasis, LogBase logBase, boolean isFinal) {
        WindowKey key = window.key();
        return LossWindow.newBuilder()
                .setModelId(key.modelId())
                .setModelVersion(key.modelVersion())
                .setSliceKey(key.sliceKey())
                .setSliceValue(key.sliceValue())
                .setWindowSizeMs(window.sizeMs())
                .setWindowStart(Instant.ofEpochMilli(window.startMs()))
                .setWindowEnd(Instant.ofEpochMilli(window.endMs()))
                .setTimeBasis(timeBasis.wireName())
                .setCount(count)
                .setWeightSum(weightSum())
                .setMeanLoss(meanLoss())
                .setStdDevLoss(lossStdDev())
                .setMinLoss(minLoss())
                .setMaxLoss(maxLoss())
                .setP50Loss(lossQuantile(0.5))
                .setP90Loss(lossQuantile(0.9))
                .setP99Loss(lossQuantile(0.99))
                .setAccuracy(accuracy())
                .setMeanConfidence(meanConfidence())
                .setPredictionCount(predictionCount)
                .setLabelCoverage(labelCoverage())
                .setLogBase(logBase == null ? LogBase.E : logBase)
                .setFinal$(isFinal)
                .build();
    }

    /**
     * Version 1: version byte, count, predictionCount, the four compensated sums (sum and compensation each),
     * Welford mean and M2, min, max (big-endian), then the KLL sketch in its own compact format.
     */
    public byte[] toBytes() {
        byte[] sketchBytes = sketch.toByteArray();
        ByteBuffer buffer = ByteBuffer.allocate(FIXED_BYTES + sketchBytes.length);
        buffer.put((byte) FORMAT_VERSION)
                .putLong(count)
                .putLong(predictionCount);
        for (CompensatedSum sum : sums()) {
            buffer.putDouble(sum.rawSum()).putDouble(sum.rawCompensation());
        }
        buffer.putDouble(welfordMean)
                .putDouble(welfordM2)
                .putDouble(min)
                .putDouble(max)
                .put(sketchBytes);
        return buffer.array();
    }

    public static LossAggregate fromBytes(byte[] bytes) {
        ByteBuffer buffer = WindowFormats.open("LossAggregate", bytes, FIXED_BYTES, FORMAT_VERSION);
        long count = buffer.getLong();
        long predictionCount = buffer.getLong();
        if (count < 0 || predictionCount < 0) {
            throw new SerializationException("LossAggregate: negative count " + count + " or predictionCount "
                    + predictionCount);
        }
        KllDoublesSketch sketch;
        try {
            sketch = KllDoublesSketch.heapify(Memory.wrap(bytes, FIXED_BYTES, bytes.length - FIXED_BYTES,
                    ByteOrder.LITTLE_ENDIAN));
        } catch (SketchesException e) {
            throw new SerializationException("LossAggregate: the KLL sketch at byte " + FIXED_BYTES
                    + " cannot be read: " + e.getMessage(), e);
        }
        if (sketch.getN() != count) {
            throw new SerializationException("LossAggregate: the KLL sketch holds " + sketch.getN()
                    + " losses but count is " + count);
        }
        LossAggregate aggregate = new LossAggregate(sketch);
        aggregate.count = count;
        aggregate.predictionCount = predictionCount;
        for (CompensatedSum sum : aggregate.sums()) {
            sum.restore(buffer.getDouble(), buffer.getDouble());
        }
        aggregate.welfordMean = buffer.getDouble();
        aggregate.welfordM2 = buffer.getDouble();
        aggregate.min = buffer.getDouble();
        aggregate.max = buffer.getDouble();
        return aggregate;
    }

    private CompensatedSum[] sums() {
        return new CompensatedSum[] {weightSum, weightedLossSum, weightedCorrectSum, weightedConfidenceSum};
    }

    @Override
    public String toString() {
        return "LossAggregate{count=" + count + ", predictionCount=" + predictionCount + ", weightSum=" + weightSum()
                + ", meanLoss=" + meanLoss() + ", stdDev=" + lossStdDev() + ", min=" + minLoss() + ", max="
                + maxLoss() + "}";
    }
}
