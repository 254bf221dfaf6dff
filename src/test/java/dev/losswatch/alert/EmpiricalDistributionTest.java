package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class EmpiricalDistributionTest {
    private static final double[] VALUES = {0.0, 1.0, 2.0, 4.0};
    private static final double[] WEIGHTS = {1, 1, 1, 1};

    @Test
    void cdfInterpolatesLinearlyBetweenAtomsAndQuantileInvertsIt() {
        EmpiricalDistribution distribution = EmpiricalDistribution.fromWeightedSorted(VALUES, WEIGHTS);
        assertThat(distribution.cdf(-1)).isZero();
        assertThat(distribution.cdf(0)).isCloseTo(0.25, within(1e-15));
        assertThat(distribution.cdf(3)).isCloseTo(0.875, within(1e-15));
        assertThat(distribution.cdf(4)).isEqualTo(1.0);
        assertThat(distribution.quantile(0.875)).isCloseTo(3.0, within(1e-15));
    }

    @Test
    void meanAndVarianceAreThoseOfTheInterpolatedDistribution() {
        EmpiricalDistribution distribution = EmpiricalDistribution.fromWeightedSorted(VALUES, WEIGHTS);
        // atom 0 with 1/4, then uniform pieces on [0,1], [1,2], [2,4] with 1/4 each
        double mean = 0.25 * (0 + 0.5 + 1.5 + 3.0);
        double secondMoment = 0.25 * (0 + 1.0 / 3 + 7.0 / 3 + 28.0 / 3);
        assertThat(distribution.mean()).isCloseTo(mean, within(1e-15));
        assertThat(distribution.variance()).isCloseTo(secondMoment - mean * mean, within(1e-14));
    }

    @Test
    void clippingMovesTheMassAboveTheCapOntoTheCap() {
        EmpiricalDistribution clipped = EmpiricalDistribution.fromWeightedSorted(VALUES, WEIGHTS).clippedAt(3.0);
        assertThat(clipped.cdf(2.999)).isCloseTo(0.875, within(1e-3));
        assertThat(clipped.cdf(3.0)).isEqualTo(1.0);
        assertThat(clipped.mean()).isCloseTo(0.25 * (0 + 0.5 + 1.5) + 0.125 * 2.5 + 0.125 * 3.0, within(1e-14));
    }

    @Test
    void momentGeneratingExcessMatchesNumericIntegrationEvenNearZero() {
        EmpiricalDistribution distribution = EmpiricalDistribution.fromWeightedSorted(VALUES, WEIGHTS);
        for (double theta : new double[] {1e-7, 0.01, 0.7}) {
            double integral = 0.25 * Math.expm1(-theta * 1.5);
            int steps = 200_000;
            double[][] pieces = {{0, 1}, {1, 2}, {2, 4}};
            for (double[] piece : pieces) {
                double width = (piece[1] - piece[0]) / steps;
                double sum = 0;
                for (int i = 0; i < steps; i++) {
                    sum += Math.expm1(theta * (piece[0] + (i + 0.5) * width - 1.5));
                }
                integral += 0.25 * sum / steps;
            }
            assertThat(distribution.momentGeneratingExcess(theta, 1.5))
                    .isCloseTo(integral, within(Math.abs(integral) * 1e-6 + 1e-18));
        }
    }

    @Test
    void exactTailReplacesTheSketchAboveTheKeptValues() {
        SplittableRandom random = new SplittableRandom(11);
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
        UpperTail tail = new UpperTail();
        double[] all = new double[50_000];
        for (int i = 0; i < all.length; i++) {
            all[i] = -Math.log(random.nextDouble());
            sketch.update(all[i]);
            tail.add(all[i]);
        }
        Arrays.sort(all);
        EmpiricalDistribution distribution = EmpiricalDistribution.withExactTail(sketch, tail.sortedValues(), all.length);
        // P(V <= the 11th largest) = 1 - 10/n
        assertThat(distribution.quantile(1 - 10.0 / all.length)).isCloseTo(all[all.length - 11], within(1e-12));
        assertThat(distribution.quantile(1.0)).isEqualTo(all[all.length - 1]);
        assertThat(distribution.mean()).isCloseTo(1.0, within(0.03));
    }

    @Test
    void affineKeepsTheShapeAndSetsMeanAndSpread() {
        EmpiricalDistribution moved = EmpiricalDistribution.fromWeightedSorted(VALUES, WEIGHTS).affine(10.0, 2.0);
        EmpiricalDistribution original = EmpiricalDistribution.fromWeightedSorted(VALUES, WEIGHTS);
        assertThat(moved.mean()).isCloseTo(10.0, within(1e-12));
        assertThat(moved.variance()).isCloseTo(4 * original.variance(), within(1e-12));
    }
}
