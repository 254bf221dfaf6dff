package dev.losswatch.alert;

import java.util.Arrays;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSketchSortedView;

/**
 * A discrete distribution of per-event losses: sorted atoms with probabilities, as a quantile
 * sketch's retained items describe them. The sequential detector is calibrated on it, so its false
 * alarm rate follows the model's own loss shape (skew and tail included), not a normal approximation.
 */
final class EmpiricalDistribution {
    private final double[] values;
    /** cumulative[i] = P(V ≤ values[i]). */
    private final double[] cumulative;

    private EmpiricalDistribution(double[] values, double[] cumulative) {
        this.values = values;
        this.cumulative = cumulative;
    }

    static EmpiricalDistribution fromSketch(KllDoublesSketch sketch) {
        if (sketch.isEmpty()) {
            throw new IllegalArgumentException("cannot describe a loss distribution from an empty sketch");
        }
        DoublesSketchSortedView view = sketch.getSortedView();
        double[] values = view.getQuantiles();
        long[] cumulativeWeights = view.getCumulativeWeights();
        double total = cumulativeWeights[cumulativeWeights.length - 1];
        double[] cumulative = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            cumulative[i] = cumulativeWeights[i] / total;
        }
        return new EmpiricalDistribution(values, cumulative);
    }

    /** From values sorted ascending with their non-negative weights. */
    static EmpiricalDistribution fromWeightedSorted(double[] sortedValues, double[] weights) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        double[] cumulative = new double[weights.length];
        double running = 0;
        for (int i = 0; i < weights.length; i++) {
            running += weights[i];
            cumulative[i] = running / total;
        }
        cumulative[cumulative.length - 1] = 1.0;
        return new EmpiricalDistribution(sortedValues, cumulative);
    }

    /**
     * The sketch's distribution below the smallest of {@code topValues} (the exact largest of all {@code count}
     * values, ascending), and those values exactly, each with probability 1/count.
     */
    static EmpiricalDistribution withExactTail(KllDoublesSketch sketch, double[] topValues, long count) {
        if (topValues.length == 0) {
            return fromSketch(sketch);
        }
        if (topValues.length >= count) {
            double[] weights = new double[topValues.length];
            Arrays.fill(weights, 1.0);
            return fromWeightedSorted(topValues, weights);
        }
        EmpiricalDistribution bulk = fromSketch(sketch);
        int below = bulk.lowerIndex(topValues[0]);
        double tailMass = topValues.length / (double) count;
        double[] values = new double[below + topValues.length];
        double[] cumulative = new double[values.length];
        double bulkScale = below > 0 ? (1 - tailMass) / bulk.cumulative[below - 1] : 0;
        for (int i = 0; i < below; i++) {
            values[i] = bulk.values[i];
            cumulative[i] = bulk.cumulative[i] * bulkScale;
        }
        for (int i = 0; i < topValues.length; i++) {
            values[below + i] = topValues[i];
            cumulative[below + i] = 1 - tailMass + (i + 1) / (double) count;
        }
        cumulative[values.length - 1] = 1.0;
        return new EmpiricalDistribution(values, cumulative);
    }

    /** The distribution of min(V, cap): the mass above the cap becomes an atom at the cap. */
    EmpiricalDistribution clippedAt(double cap) {
        int kept = upperIndex(cap);
        if (kept == values.length) {
            return this;
        }
        double[] clippedValues = Arrays.copyOf(values, kept + 2);
        double[] clippedCumulative = Arrays.copyOf(cumulative, kept + 2);
        clippedValues[kept] = cap;
        clippedCumulative[kept] = cdf(cap);
        clippedValues[kept + 1] = cap;
        clippedCumulative[kept + 1] = 1.0;
        return new EmpiricalDistribution(clippedValues, clippedCumulative);
    }

    /** The distribution of mean + stretch·(V − E[V]): same shape, given mean, spread times {@code stretch}. */
    EmpiricalDistribution affine(double mean, double stretch) {
        double current = mean();
        double[] moved = values.clone();
        for (int i = 0; i < moved.length; i++) {
            moved[i] = mean + stretch * (moved[i] - current);
        }
        return new EmpiricalDistribution(moved, cumulative);
    }

    /** The distribution of factor·V. */
    EmpiricalDistribution scaledBy(double factor) {
        double[] scaled = values.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= factor;
        }
        return new EmpiricalDistribution(scaled, cumulative);
    }

    /*
     * The distribution is the piecewise-linear interpolation of the atoms' cumulative probabilities: the
     * first atom keeps its own mass, every later atom's mass is spread uniformly back to the atom before.
     * A smooth CDF matters to the run-length computation: on a step CDF the discretised CUSUM aliases
     * against the atoms and its ARL jumps by several percent from one grid size to the next.
     */

    double mean() {
        double sum = values[0] * cumulative[0];
        for (int i = 1; i < values.length; i++) {
            sum += 0.5 * (values[i] + values[i - 1]) * (cumulative[i] - cumulative[i - 1]);
        }
        return sum;
    }

    double variance() {
        double mean = mean();
        double first = values[0] - mean;
        double sum = first * first * cumulative[0];
        for (int i = 1; i < values.length; i++) {
            double low = values[i - 1] - mean;
            double high = values[i] - mean;
            // E[(U − mean)²] for U uniform on [low, high], relative to the mean
            sum += (low * low + low * high + high * high) / 3 * (cumulative[i] - cumulative[i - 1]);
        }
        return sum;
    }

    /**
     * E[exp(θ·(V − shift))] − 1. The CUSUM's adjustment coefficient is the root of this function, and near
     * the root it is of the order 1e-6: the mean over a segment must not be formed as a difference of two
     * nearly equal exponentials divided by a tiny width, which loses up to 8 digits.
     */
    double momentGeneratingExcess(double theta, double shift) {
        // mean of e^u − 1 for u uniform on [low, low + span] = e^low·(expm1(span)/span) − 1; each term is of
        // order 1 but known to about 1e-16 absolutely, which is all the root search needs.
        double lowExp = Math.exp(theta * (values[0] - shift));
        double sum = (lowExp - 1) * cumulative[0];
        for (int i = 1; i < values.length; i++) {
            double span = theta * (values[i] - values[i - 1]);
            double mass = cumulative[i] - cumulative[i - 1];
            sum += (lowExp - 1 + lowExp * excessOfMeanExponential(span)) * mass;
            lowExp = Math.exp(theta * (values[i] - shift));
        }
        return sum;
    }

    /** expm1(u)/u − 1, accurate for small |u| too. */
    private static double excessOfMeanExponential(double u) {
        if (Math.abs(u) < 1e-4) {
            return u / 2 + u * u / 6 + u * u * u / 24;
        }
        return Math.expm1(u) / u - 1;
    }

    /** The value with P(V ≤ value) = p, inverting the interpolated CDF. */
    double quantile(double p) {
        if (p <= cumulative[0]) {
            return values[0];
        }
        int index = Arrays.binarySearch(cumulative, p);
        if (index >= 0) {
            return values[index];
        }
        int upper = Math.min(-index - 1, values.length - 1);
        double span = cumulative[upper] - cumulative[upper - 1];
        double fraction = span > 0 ? (p - cumulative[upper - 1]) / span : 1.0;
        return values[upper - 1] + fraction * (values[upper] - values[upper - 1]);
    }

    /** P(V ≤ x). */
    double cdf(double x) {
        int index = upperIndex(x);
        if (index == 0) {
            return 0.0;
        }
        if (index == values.length) {
            return 1.0;
        }
        double span = values[index] - values[index - 1];
        double fraction = span > 0 ? (x - values[index - 1]) / span : 0.0;
        return cumulative[index - 1] + fraction * (cumulative[index] - cumulative[index - 1]);
    }

    /** Number of atoms &lt; x. */
    private int lowerIndex(double x) {
        int low = 0;
        int high = values.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (values[middle] < x) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Number of atoms ≤ x. */
    private int upperIndex(double x) {
        int low = 0;
        int high = values.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (values[middle] <= x) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
