package dev.losswatch.alert;

/**
 * Weighted count, mean and spread of losses, updated one event at a time (West's weighted Welford
 * update) and mergeable (Chan et al.), so that two partial aggregates combine exactly.
 *
 * <p>Besides the sum of weights it keeps the sum of squared weights: with unequal weights the
 * precision of a weighted mean is that of Kish's effective sample size {@code (Σw)² / Σw²}, not of
 * the raw count, and every significance statement in this package is made at that size.
 */
public final class LossMoments {
    private long count;
    private double weightSum;
    private double weightSquareSum;
    private double mean;
    /** Σ w·(x − mean)², the weighted sum of squared deviations. */
    private double m2;

    public LossMoments() {
    }

    private LossMoments(long count, double weightSum, double weightSquareSum, double mean, double m2) {
        this.count = count;
        this.weightSum = weightSum;
        this.weightSquareSum = weightSquareSum;
        this.mean = mean;
        this.m2 = m2;
    }

    /** Rebuilds moments from their stored parts; see {@link #restore}'s callers in {@link AlertStateCodec}. */
    static LossMoments restore(long count, double weightSum, double weightSquareSum, double mean, double m2) {
        return new LossMoments(count, weightSum, weightSquareSum, mean, m2);
    }

    /**
     * Summary of a window that someone else aggregated (count, weights, weighted mean and the
     * reliability-weighted unbiased variance, as {@link #variance()} defines it).
     */
    public static LossMoments of(long count, double weightSum, double weightSquareSum, double mean, double variance) {
        if (count < 0 || !(weightSum >= 0) || !(weightSquareSum >= 0) || !Double.isFinite(mean) || !(variance >= 0)) {
            throw new IllegalArgumentException("window moments out of range: count=" + count + ", weightSum=" + weightSum
                    + ", weightSquareSum=" + weightSquareSum + ", mean=" + mean + ", variance=" + variance);
        }
        double m2 = weightSum > 0 ? variance * (weightSum - weightSquareSum / weightSum) : 0.0;
        return new LossMoments(count, weightSum, weightSquareSum, mean, m2);
    }

    /** Adds one loss with unit weight. */
    public void add(double loss) {
        add(loss, 1.0);
    }

    /** Adds one loss with the given positive weight. */
    public void add(double loss, double weight) {
        if (!Double.isFinite(loss) || !(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("loss must be finite and weight positive and finite, got loss=" + loss
                    + ", weight=" + weight);
        }
        count++;
        weightSum += weight;
        weightSquareSum += weight * weight;
        double delta = loss - mean;
        mean += delta * weight / weightSum;
        m2 += weight * delta * (loss - mean);
    }

    /** Adds everything {@code other} has seen, as if its events had been added here one by one. */
    public void merge(LossMoments other) {
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            count = other.count;
            weightSum = other.weightSum;
            weightSquareSum = other.weightSquareSum;
            mean = other.mean;
            m2 = other.m2;
            return;
        }
        double total = weightSum + other.weightSum;
        double delta = other.mean - mean;
        mean += delta * other.weightSum / total;
        m2 += other.m2 + delta * delta * weightSum * other.weightSum / total;
        count += other.count;
        weightSum = total;
        weightSquareSum += other.weightSquareSum;
    }

    public LossMoments copy() {
        return new LossMoments(count, weightSum, weightSquareSum, mean, m2);
    }

    public long count() {
        return count;
    }

    public double weightSum() {
        return weightSum;
    }

    public double weightSquareSum() {
        return weightSquareSum;
    }

    /** Weighted mean; 0 when empty. */
    public double mean() {
        return mean;
    }

    double m2() {
        return m2;
    }

    /** Kish's effective sample size (Σw)² / Σw²; equals the count when all weights are equal. */
    public double effectiveCount() {
        return weightSquareSum > 0 ? weightSum * weightSum / weightSquareSum : 0.0;
    }

    /**
     * Unbiased variance with reliability weights, m2 / (Σw − Σw²/Σw): the ordinary sample variance
     * (n − 1 denominator) when the weights are equal, and the right estimate of the spread of one
     * loss whatever their scale. 0 with fewer than two events.
     */
    public double variance() {
        double denominator = weightSum - (weightSum > 0 ? weightSquareSum / weightSum : 0.0);
        return count > 1 && denominator > 0 ? Math.max(0.0, m2 / denominator) : 0.0;
    }

    public double standardDeviation() {
        return Math.sqrt(variance());
    }

    /** Variance of the weighted mean itself: variance / effective count. */
    public double varianceOfMean() {
        double n = effectiveCount();
        return n > 0 ? variance() / n : Double.POSITIVE_INFINITY;
    }
}
