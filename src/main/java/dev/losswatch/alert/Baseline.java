package dev.losswatch.alert;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The frozen baseline of a model version (and slice): mean, spread and a quantile sketch of its loss in
 * the reference period, or a mean the user configured (from offline validation, say), in which case the
 * reference period still supplies the shape of the loss distribution.
 */
public final class Baseline implements MeanEstimate {
    private final Instant referenceStart;
    private final Instant referenceEnd;
    private final LossSample sample;
    private final LossMoments weighted;
    private final LossMoments perEvent;
    private final OptionalDouble configuredMean;

    Baseline(Instant referenceStart, Instant referenceEnd, LossSample sample, OptionalDouble configuredMean) {
        LossMoments perEvent = sample.perEvent();
        if (perEvent.count() < 2) {
            throw new IllegalArgumentException("a baseline needs at least 2 events, got " + perEvent.count());
        }
        if (!(perEvent.mean() > 0)) {
            throw new IllegalArgumentException("a baseline needs a positive mean loss, the reference period had "
                    + perEvent.mean() + "; a model whose every loss is 0 cannot regress relative to it");
        }
        this.referenceStart = referenceStart;
        this.referenceEnd = referenceEnd;
        this.sample = sample;
        this.weighted = sample.weighted();
        this.perEvent = perEvent;
        this.configuredMean = configuredMean;
    }

    public boolean isConfigured() {
        return configuredMean.isPresent();
    }

    /** The baseline mean loss alerts compare with: the configured one, else the reference period's weighted mean. */
    @Override
    public double mean() {
        return configuredMean.orElse(weighted.mean());
    }

    /** Sampling variance of {@link #mean()}: 0 for a configured mean, which is taken as exact. */
    @Override
    public double varianceOfMean() {
        return isConfigured() ? 0.0 : weighted.varianceOfMean();
    }

    /** Effective events behind {@link #mean()}; infinite for a configured mean. */
    @Override
    public double effectiveCount() {
        return isConfigured() ? Double.POSITIVE_INFINITY : weighted.effectiveCount();
    }

    /** Standard deviation of one event's loss in the reference period. */
    public double standardDeviation() {
        return weighted.standardDeviation();
    }

    /**
     * A quantile of the per-event loss in the reference period (rescaled to a configured mean): exact in the
     * top 1,024 losses, from the sketch below them.
     */
    public double quantile(double rank) {
        return shape().quantile(rank) * scale();
    }

    /** Events the reference period learned from. */
    public long referenceEvents() {
        return perEvent.count();
    }

    public Instant referenceStart() {
        return referenceStart;
    }

    public Instant referenceEnd() {
        return referenceEnd;
    }

    /**
     * The per-event loss distribution the sequential detector assumes when nothing has changed: the exact
     * largest losses of the reference period above the sketch's bulk, with the exact mean and variance of
     * the reference period (a sketch places quantiles well but its mean is off by about a percent, and the
     * CUSUM is exponentially sensitive to its drift), rescaled to the configured mean when there is one.
     */
    EmpiricalDistribution nullDistribution() {
        EmpiricalDistribution shape = shape();
        double stretch = Math.sqrt(perEvent.variance() / shape.variance());
        return shape.affine(perEvent.mean(), stretch).scaledBy(scale());
    }

    private EmpiricalDistribution shape() {
        return EmpiricalDistribution.withExactTail(sample.sketch(), sample.upperTail().sortedValues(), perEvent.count());
    }

    /** Mean loss per event under the null: the configured mean, or the reference period's unweighted mean. */
    double perEventMean() {
        return perEvent.mean() * scale();
    }

    /** Standard error of {@link #perEventMean()}, 0 for a configured mean. */
    double perEventMeanStandardError() {
        return isConfigured() ? 0.0 : Math.sqrt(perEvent.varianceOfMean());
    }

    private double scale() {
        return isConfigured() ? configuredMean.getAsDouble() / weighted.mean() : 1.0;
    }

    LossMoments weighted() {
        return weighted;
    }

    LossSample sample() {
        return sample;
    }

    OptionalDouble configuredMean() {
        return configuredMean;
    }
}
