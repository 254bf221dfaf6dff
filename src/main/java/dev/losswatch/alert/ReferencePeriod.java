package dev.losswatch.alert;

import java.time.Duration;
import java.time.Instant;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The reference period of a model version (and slice): the losses of its first events, learned until
 * the period is long enough by count, by stream time and by precision, then frozen into a {@link Baseline}.
 *
 * <p>Precision is the part the defaults of other tools lack: a baseline mean whose own error is
 * comparable to the smallest rise worth an alert makes either detector fire on that error alone. A
 * model with a high spread of loss (e.g. a very accurate classifier, whose rare mistakes dominate)
 * therefore learns for longer than the 20,000-event minimum.
 */
public final class ReferencePeriod {
    static final int SKETCH_K = 400;

    private final Instant start;
    private Instant lastSeen;
    /** Importance-weighted moments, for the window test (windows are weighted means). */
    private final LossMoments weighted;
    /** One observation per labelled event, for the sequential detector and the sketch. */
    private final LossMoments perEvent;
    private final KllDoublesSketch sketch;
    private final UpperTail upperTail;

    public ReferencePeriod(Instant start) {
        this(start, start, new LossMoments(), new LossMoments(), KllDoublesSketch.newHeapInstance(SKETCH_K),
                new UpperTail());
    }

    ReferencePeriod(Instant start, Instant lastSeen, LossMoments weighted, LossMoments perEvent, KllDoublesSketch sketch,
                    UpperTail upperTail) {
        this.start = start;
        this.lastSeen = lastSeen;
        this.weighted = weighted;
        this.perEvent = perEvent;
        this.sketch = sketch;
        this.upperTail = upperTail;
    }

    /** Learns one scored event; {@code time} is its stream time. */
    public void add(double loss, double weight, Instant time) {
        weighted.add(loss, weight);
        perEvent.add(loss);
        sketch.update(loss);
        upperTail.add(loss);
        if (time.isAfter(lastSeen)) {
            lastSeen = time;
        }
    }

    /** Whether the period may end now: enough events, enough time, and a precise enough mean (or the cap reached). */
    public boolean isComplete(AlertSettings settings) {
        long count = perEvent.count();
        if (count >= settings.referenceMaxEvents()) {
            return true;
        }
        return count >= settings.referenceMinEvents()
                && Duration.between(start, lastSeen).compareTo(settings.referenceMinDuration()) >= 0
                && relativeStandardError() <= settings.referenceMaxRelativeError();
    }

    /** Standard error of the per-event mean as a fraction of it. */
    public double relativeStandardError() {
        double mean = perEvent.mean();
        return mean > 0 ? Math.sqrt(perEvent.varianceOfMean()) / mean : Double.POSITIVE_INFINITY;
    }

    /** Freezes what was learned; {@code configuredMean}, when present, replaces the learned mean. */
    public Baseline freeze(AlertSettings settings) {
        return new Baseline(start, lastSeen, weighted.copy(), perEvent.copy(),
                KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray())), upperTail.copy(),
                settings.configuredBaseline());
    }

    public Instant start() {
        return start;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    public long count() {
        return perEvent.count();
    }

    LossMoments weighted() {
        return weighted;
    }

    LossMoments perEvent() {
        return perEvent;
    }

    KllDoublesSketch sketch() {
        return sketch;
    }

    UpperTail upperTail() {
        return upperTail;
    }
}
