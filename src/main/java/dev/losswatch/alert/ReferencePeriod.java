package dev.losswatch.alert;

import java.time.Duration;
import java.time.Instant;

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
    private final Instant start;
    private Instant lastSeen;
    private final LossSample sample;

    public ReferencePeriod(Instant start) {
        this(start, start, LossSample.empty());
    }

    ReferencePeriod(Instant start, Instant lastSeen, LossSample sample) {
        this.start = start;
        this.lastSeen = lastSeen;
        this.sample = sample;
    }

    /** Learns one scored event; {@code time} is its stream time. */
    public void add(double loss, double weight, Instant time) {
        sample.add(loss, weight);
        if (time.isAfter(lastSeen)) {
            lastSeen = time;
        }
    }

    /**
     * Whether the period may end now: enough events, enough time, and a precise enough mean (or the cap
     * reached). Never while every loss so far was the same: a baseline without spread cannot calibrate a
     * detector, so a version whose loss does not vary keeps learning.
     */
    public boolean isComplete(AlertSettings settings) {
        long count = count();
        if (!(sample.perEvent().variance() > 0)) {
            return false;
        }
        if (count >= settings.referenceMaxEvents()) {
            return true;
        }
        return count >= settings.referenceMinEvents()
                && Duration.between(start, lastSeen).compareTo(settings.referenceMinDuration()) >= 0
                && relativeStandardError() <= settings.referenceMaxRelativeError();
    }

    /** Standard error of the per-event mean as a fraction of it. */
    public double relativeStandardError() {
        LossMoments perEvent = sample.perEvent();
        double mean = perEvent.mean();
        return mean > 0 ? Math.sqrt(perEvent.varianceOfMean()) / mean : Double.POSITIVE_INFINITY;
    }

    /** Freezes what was learned; a configured baseline in {@code settings} replaces the learned mean. */
    public Baseline freeze(AlertSettings settings) {
        return new Baseline(start, lastSeen, sample.copy(), settings.configuredBaseline());
    }

    public Instant start() {
        return start;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    public long count() {
        return sample.perEvent().count();
    }

    LossSample sample() {
        return sample;
    }
}
