package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.losswatch.alert.bench.LossLevel;
import dev.losswatch.events.Detector;

class WindowTestTest {
    private static final AlertSettings SETTINGS = AlertSettings.defaults();
    private static final Instant START = Instant.parse("2026-01-02T10:00:00Z");
    private static final Instant END = START.plus(Duration.ofMinutes(5));
    private static final Instant JUDGED = END.plus(Duration.ofMinutes(1));
    private static Baseline baseline;

    @BeforeAll
    static void learnBaseline() {
        baseline = Fixtures.baselineOf(Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 9), SETTINGS);
    }

    private static Evaluation judge(long count, double rise) {
        return judge(count, count, count, rise);
    }

    private static Evaluation judge(long count, double weightSum, double weightSquareSum, double rise) {
        LossMoments window = LossMoments.of(count, weightSum, weightSquareSum, baseline.mean() * (1 + rise),
                baseline.standardDeviation() * baseline.standardDeviation());
        return WindowTest.evaluate(new WindowSummary(START, END, window), baseline, SETTINGS, JUDGED);
    }

    @Test
    void aLargeSampleAloneDoesNotMakeATinyRiseFire() {
        Evaluation evaluation = judge(5_000_000, 0.03);
        assertThat(evaluation.verdict()).isEqualTo(Verdict.CLEAR);
        assertThat(evaluation.threshold()).isCloseTo(SETTINGS.minRelativeIncrease(), within(1e-12));
    }

    @Test
    void aMaterialSignificantRiseBreaches() {
        assertThat(judge(5_000_000, 0.12).verdict()).isEqualTo(Verdict.BREACH);
        assertThat(judge(3_000, 0.40).verdict()).isEqualTo(Verdict.BREACH);
    }

    @Test
    void aMaterialRiseThatNoiseCanExplainIsInconclusive() {
        Evaluation evaluation = judge(150, 0.30);
        assertThat(evaluation.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(evaluation.threshold()).as("rise this window would need").isGreaterThan(0.30);
    }

    @Test
    void aRiseBetweenHalfTheMaterialRiseAndTheFiringPointIsInconclusive() {
        assertThat(judge(5_000_000, 0.07).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void improvementsNeverBreach() {
        assertThat(judge(5_000_000, -0.5).verdict()).isEqualTo(Verdict.CLEAR);
    }

    @Test
    void windowsBelowTheMinimumEffectiveCountAreInconclusive() {
        assertThat(judge(50, 3.0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void unequalWeightsCountAtTheirEffectiveSize() {
        // 4,000 events, but one in twenty carries nearly all the weight: about 210 effective events
        double weightSum = 200 * 20.0 + 3_800 * 0.05;
        double weightSquareSum = 200 * 400.0 + 3_800 * 0.0025;
        assertThat(judge(4_000, 0.30).verdict()).isEqualTo(Verdict.BREACH);
        assertThat(judge(4_000, weightSum, weightSquareSum, 0.30).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void aConfiguredBaselineIsTakenAsExact() {
        AlertSettings configured = Fixtures.settings(Map.of("alerts.baseline.fraud", "0.5"));
        Baseline exact = Fixtures.baselineOf(Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 9), configured);
        assertThat(exact.mean()).isEqualTo(0.5);
        assertThat(exact.varianceOfMean()).isZero();
        Evaluation evaluation = WindowTest.evaluate(new WindowSummary(START, END, LossMoments.of(20_000, 20_000, 20_000,
                0.6, 0.9)), exact, configured, JUDGED);
        assertThat(evaluation.verdict()).isEqualTo(Verdict.BREACH);
        assertThat(evaluation.baseline()).isEqualTo(0.5);
    }

    @Test
    void theEvaluationCarriesItsEvidence() {
        Evaluation evaluation = judge(3_000, 0.40);
        assertThat(evaluation.detector()).isEqualTo(Detector.WINDOW_TEST);
        assertThat(evaluation.observed()).isCloseTo(baseline.mean() * 1.4, within(1e-12));
        assertThat(evaluation.baseline()).isEqualTo(baseline.mean());
        assertThat(evaluation.statistic()).isCloseTo(0.40, within(1e-12));
        assertThat(evaluation.windowStart()).isEqualTo(START);
        assertThat(evaluation.windowEnd()).isEqualTo(END);
        assertThat(evaluation.evidenceSince()).isEqualTo(START);
        assertThat(evaluation.timestamp()).isEqualTo(JUDGED);
        assertThat(evaluation.finding()).contains("3000 events", "40.0% above", Reasons.number(baseline.mean()));
    }

    @Test
    void welchDegreesOfFreedomFallBackToTheWindowAloneForAnExactBaseline() {
        assertThat(WindowTest.welchDegreesOfFreedom(0.01, 101, 0, Double.POSITIVE_INFINITY)).isCloseTo(100, within(1e-9));
        assertThat(WindowTest.welchDegreesOfFreedom(0.01, 101, 0.01, 101)).isCloseTo(200, within(1e-9));
    }
}
