package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.losswatch.alert.bench.LossLevel;

class CusumCalibrationTest {

    @Test
    @DisplayName("for normal losses the run length is Siegmund's")
    void normalLossesGiveSiegmundsRunLength() {
        double[] sample = new double[100_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = Distributions.normalQuantile((i + 0.5) / sample.length);
        }
        double[] weights = new double[sample.length];
        Arrays.fill(weights, 1.0);
        EmpiricalDistribution normal = EmpiricalDistribution.fromWeightedSorted(sample, weights);
        double k = 0.25;
        double h = 8;
        double sd = Math.sqrt(normal.variance());
        double drift = k + normal.mean();
        double b = (h + 1.166 * sd) / sd;
        double delta = drift / sd;
        double siegmund = (Math.exp(2 * delta * b) - 1 - 2 * delta * b) / (2 * delta * delta);
        assertThat(CusumCalibration.averageRunLength(normal, k, h, 0)).isCloseTo(siegmund, within(0.02 * siegmund));
    }

    @Test
    void thresholdGivesTheTargetRunLengthAndGrowsWithBaselineUncertainty() {
        EmpiricalDistribution losses = EmpiricalDistribution.fromWeightedSorted(new double[] {0, 0.5, 1, 3},
                new double[] {1, 1, 1, 1});
        double reference = losses.mean() + 0.2;
        double exact = CusumCalibration.threshold(losses, reference, 1e6, 0);
        assertThat(CusumCalibration.averageRunLength(losses, reference, exact, 0)).isCloseTo(1e6, within(1e4));
        assertThat(CusumCalibration.threshold(losses, reference, 1e6, 0.02)).isGreaterThan(exact);
        assertThatThrownBy(() -> CusumCalibration.threshold(losses, losses.mean() - 0.1, 1e6, 0))
                .hasMessageContaining("reference must lie above the mean");
    }

    /**
     * The quick version of the calibration check: with a small false-alarm target (so alarms are frequent
     * enough to count), every CUSUM of the bank, calibrated from one reference sample, raises alarms on
     * fresh stationary losses at its target rate within a factor of two, at every loss level. The same
     * defaults give the same behaviour at mean loss 0.05 (skewed, heavy tail) and 2.5 (nearly symmetric):
     * the scale invariance the issue asks for.
     */
    @ParameterizedTest
    @EnumSource(LossLevel.class)
    void eachCusumRaisesFalseAlarmsAtItsTargetRateAtEveryLossLevel(LossLevel level) {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.expected-events-between-false-alarms", "3000"));
        Baseline baseline = Fixtures.baselineOf(Fixtures.simulatedLosses(level, 150_000, 1), settings);
        SequentialDetector.Calibration calibration = SequentialDetector.calibrate(baseline, settings).calibration();
        double[] pool = Fixtures.simulatedLosses(level, 150_000, 2);
        double target = settings.sequentialEventsBetweenFalseAlarms() * SequentialDetector.TARGET_MULTIPLES.length;
        SplittableRandom random = new SplittableRandom(3);
        int[] alarms = new int[calibration.thresholds().length];
        double[] sums = new double[alarms.length];
        long events = (long) (60 * target);
        for (long i = 0; i < events; i++) {
            double loss = Math.min(pool[random.nextInt(pool.length)], calibration.cap());
            for (int j = 0; j < sums.length; j++) {
                sums[j] = Math.max(0, sums[j] + loss - calibration.references()[j]);
                if (sums[j] >= calibration.thresholds()[j]) {
                    alarms[j]++;
                    sums[j] = 0;
                }
            }
        }
        for (int j = 0; j < alarms.length; j++) {
            double runLength = events / (double) Math.max(1, alarms[j]);
            assertThat(runLength).as("average run length of the CUSUM for a %s rise at level %s",
                    Reasons.percent(calibration.rises()[j]), level).isBetween(target / 2, target * 2);
        }
    }
}
