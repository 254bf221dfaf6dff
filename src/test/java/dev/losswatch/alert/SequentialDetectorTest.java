package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.losswatch.alert.bench.LossLevel;
import dev.losswatch.alert.bench.Scenario;
import dev.losswatch.alert.bench.SimulatedEvent;
import dev.losswatch.alert.bench.StreamGenerator;
import dev.losswatch.events.Detector;

class SequentialDetectorTest {
    private static final AlertSettings SETTINGS = AlertSettings.defaults();
    private static Baseline baseline;

    @BeforeAll
    static void learnBaseline() {
        baseline = Fixtures.baselineOf(Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 21), SETTINGS);
    }

    /** Losses of a stream that changed at its first event. */
    private static double[] changedLosses(Scenario scenario, long seed) {
        StreamGenerator generator = new StreamGenerator(scenario, seed, StreamGenerator.Timing.standard());
        double[] losses = new double[(int) scenario.events()];
        for (int i = 0; i < losses.length; i++) {
            SimulatedEvent event = generator.next();
            assertThat(event.changed()).isTrue();
            losses[i] = event.loss();
        }
        return losses;
    }

    private static Instant eventTime(int index) {
        return Fixtures.at(Duration.ofMillis(200L * index));
    }

    @Test
    void improvementsNeverBreach() {
        SequentialDetector detector = SequentialDetector.calibrate(baseline, SETTINGS);
        double[] better = changedLosses(Scenario.improvement(LossLevel.MEDIUM, -0.5, 0, 200_000), 4);
        for (int i = 0; i < better.length; i++) {
            assertThat(detector.observe(better[i], eventTime(i))).isNotEqualTo(Verdict.BREACH);
        }
        for (int j = 0; j < detector.sums().length; j++) {
            assertThat(detector.sums()[j]).isLessThan(0.1 * detector.calibration().thresholds()[j]);
        }
    }

    @Test
    void aFiftyPercentRegressionBreachesWithinAFewHundredEventsAndExplainsItself() {
        SequentialDetector detector = SequentialDetector.calibrate(baseline, SETTINGS);
        double[] worse = changedLosses(Scenario.abrupt(LossLevel.MEDIUM, 0.5, 0, 2_000), 5);
        int breachAt = -1;
        for (int i = 0; i < worse.length && breachAt < 0; i++) {
            if (detector.observe(worse[i], eventTime(i)) == Verdict.BREACH) {
                breachAt = i;
            }
        }
        assertThat(breachAt).isBetween(20, 1_000);
        Evaluation evidence = detector.evidence(Verdict.BREACH, eventTime(breachAt));
        assertThat(evidence.detector()).isEqualTo(Detector.SEQUENTIAL);
        assertThat(evidence.statistic()).isGreaterThanOrEqualTo(evidence.threshold());
        assertThat(evidence.observed()).as("mean loss of the run that breached").isGreaterThan(baseline.mean() * 1.2);
        assertThat(evidence.evidenceSince()).isBetween(eventTime(0), eventTime(breachAt));
        assertThat(evidence.windowEnd()).isEqualTo(eventTime(breachAt));
        assertThat(evidence.finding()).contains("labelled events since", "above the baseline");
    }

    @Test
    void aPersistingRegressionStaysInBreachAndARecoveredOneClears() {
        SequentialDetector detector = SequentialDetector.calibrate(baseline, SETTINGS);
        double[] worse = changedLosses(Scenario.abrupt(LossLevel.MEDIUM, 1.0, 0, 20_000), 6);
        Verdict last = null;
        for (int i = 0; i < worse.length; i++) {
            last = detector.observe(worse[i], eventTime(i));
        }
        assertThat(last).isEqualTo(Verdict.BREACH);
        double[] normal = Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 7);
        int clearAt = -1;
        for (int i = 0; i < normal.length && clearAt < 0; i++) {
            if (detector.observe(normal[i], eventTime(20_000 + i)) == Verdict.CLEAR) {
                clearAt = i;
            }
        }
        assertThat(clearAt).as("events until every statistic is below half its threshold").isBetween(100, 10_000);
    }

    @Test
    void anAbsurdLossCountsOnlyAsMuchAsTheCapSoAFewCannotFireIt() {
        SequentialDetector detector = SequentialDetector.calibrate(baseline, SETTINGS);
        SequentialDetector.Calibration calibration = detector.calibration();
        double[] normal = Fixtures.simulatedLosses(LossLevel.MEDIUM, 5_000, 8);
        for (int i = 0; i < normal.length; i++) {
            detector.observe(normal[i], eventTime(i));
        }
        double[] before = detector.sums().clone();
        for (int i = 0; i < 3; i++) {
            assertThat(detector.observe(1e30, eventTime(5_000 + i))).isNotEqualTo(Verdict.BREACH);
        }
        for (int j = 0; j < before.length; j++) {
            assertThat(detector.sums()[j]).isLessThanOrEqualTo(before[j] + 3 * (calibration.cap() - calibration.references()[j]) + 1e-9);
        }
        double[] reference = Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 21);
        Arrays.sort(reference);
        assertThat(calibration.cap()).as("the reference period's 99.9th percentile, exactly")
                .isEqualTo(reference[reference.length - 21]);
    }

    @Test
    void thresholdsScaleWithTheLossLevelSoOneSettingServesEveryModel() {
        double[] losses = Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 21);
        double[] scaled = new double[losses.length];
        for (int i = 0; i < losses.length; i++) {
            scaled[i] = 25 * losses[i];
        }
        SequentialDetector.Calibration original = SequentialDetector.calibrate(baseline, SETTINGS).calibration();
        SequentialDetector.Calibration large = SequentialDetector.calibrate(Fixtures.baselineOf(scaled, SETTINGS), SETTINGS)
                .calibration();
        for (int j = 0; j < original.thresholds().length; j++) {
            assertThat(large.thresholds()[j]).isCloseTo(25 * original.thresholds()[j],
                    within(0.02 * 25 * original.thresholds()[j]));
        }
        assertThat(large.cap()).isCloseTo(25 * original.cap(), within(0.01 * large.cap()));
    }

    @Test
    void theSmallestRiseCusumKeepsItsReferenceBetweenTheOptimumAndTheMaterialityMidpoint() {
        SequentialDetector.Calibration calibration = SequentialDetector.calibrate(baseline, SETTINGS).calibration();
        double cappedMean = baseline.nullDistribution().clippedAt(calibration.cap()).mean();
        double m = SETTINGS.minRelativeIncrease();
        for (int j = 0; j < calibration.rises().length; j++) {
            double k = (calibration.references()[j] - cappedMean) / baseline.perEventMean();
            assertThat(k).isBetween(calibration.rises()[j] / 2 - 1e-9, (calibration.rises()[j] + m / 2) / 2 + 1e-9);
        }
    }
}
