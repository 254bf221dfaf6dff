package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.losswatch.alert.bench.LossLevel;
import dev.losswatch.events.AlertState;
import dev.losswatch.events.Detector;
import dev.losswatch.events.DriftAlert;

class DriftMonitorTest {

    private static Instant time(int index) {
        return Fixtures.at(Duration.ofMillis(200L * index));
    }

    private static List<DriftAlert> feed(DriftMonitor monitor, double[] losses, int from, int to, AlertSettings settings) {
        List<DriftAlert> alerts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            alerts.addAll(monitor.onScored(losses[i], 1.0, time(i), settings));
        }
        return alerts;
    }

    private static int eventsUntilFrozen(AlertSettings settings, double[] losses) {
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        for (int i = 0; i < losses.length; i++) {
            monitor.onScored(losses[i], 1.0, time(i), settings);
            if (monitor.baseline().isPresent()) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void theReferencePeriodLastsTheLaterOfItsEventCountAndItsDuration() {
        double[] losses = Fixtures.simulatedLosses(LossLevel.MEDIUM, 10_000, 41);
        AlertSettings byCount = Fixtures.settings(Map.of("alerts.reference.min-events", "4000",
                "alerts.reference.min-duration", "5m", "alerts.reference.max-relative-error", "0.5"));
        AlertSettings byDuration = Fixtures.settings(Map.of("alerts.reference.min-events", "1000",
                "alerts.reference.min-duration", "10m", "alerts.reference.max-relative-error", "0.5"));
        assertThat(eventsUntilFrozen(byCount, losses)).isEqualTo(4000);
        assertThat(eventsUntilFrozen(byDuration, losses)).as("10 minutes at 5 events a second").isEqualTo(3001);
    }

    @Test
    void anImpreciseBaselineLearnsLongerButNotBeyondItsCap() {
        double[] losses = Fixtures.simulatedLosses(LossLevel.LOW, 60_000, 42);
        AlertSettings precise = Fixtures.settings(Map.of("alerts.reference.min-events", "2000",
                "alerts.reference.min-duration", "0s", "alerts.reference.max-relative-error", "0.05",
                "alerts.reference.max-events", "50000"));
        int frozenAt = eventsUntilFrozen(precise, losses);
        assertThat(frozenAt).as("(cv / 0.05)^2 with cv of about 5.4").isBetween(8_000, 20_000);
        AlertSettings capped = Fixtures.settings(Map.of("alerts.reference.min-events", "2000",
                "alerts.reference.min-duration", "0s", "alerts.reference.max-relative-error", "0.001",
                "alerts.reference.max-events", "30000"));
        assertThat(eventsUntilFrozen(capped, losses)).isEqualTo(30_000);
    }

    @Test
    void detectorsStayQuietWhileLearningAndFireOnARegressionAfterwards() {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s"));
        double[] losses = Fixtures.simulatedLosses(LossLevel.MEDIUM, 30_000, 43);
        for (int i = 21_000; i < losses.length; i++) {
            losses[i] *= 2;
        }
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        assertThat(feed(monitor, losses, 0, 10_000, settings)).isEmpty();
        WindowSummary early = new WindowSummary(Fixtures.T0, time(1_500), LossMoments.of(1_500, 1_500, 1_500, 5.0, 1.0));
        assertThat(monitor.onWindow(early, time(10_000), settings)).isEmpty();
        assertThat(feed(monitor, losses, 10_000, 20_000, settings)).isEmpty();
        List<DriftAlert> alerts = feed(monitor, losses, 20_000, losses.length, settings);
        assertThat(alerts).extracting(DriftAlert::getState).containsExactly(AlertState.PENDING, AlertState.FIRING);
        DriftAlert firing = alerts.get(1);
        assertThat(firing.getDetector()).isEqualTo(Detector.SEQUENTIAL);
        assertThat(firing.getModelId()).isEqualTo("fraud");
        assertThat(firing.getTimestamp()).isAfter(time(21_000)).isBefore(time(22_000));
        assertThat(monitor.state(Detector.SEQUENTIAL)).isEqualTo(AlertState.FIRING);
        assertThat(monitor.state(Detector.WINDOW_TEST)).isEqualTo(AlertState.OK);
    }

    @Test
    void aClosedWindowThatRoseMateriallyFiresTheWindowTestAfterConfirmation() {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s"));
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        feed(monitor, Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 44), 0, 20_000, settings);
        double baseline = monitor.baseline().orElseThrow().mean();
        List<DriftAlert> alerts = new ArrayList<>();
        for (int window = 0; window < 2; window++) {
            Instant start = time(20_000 + 1_500 * window);
            alerts.addAll(monitor.onWindow(new WindowSummary(start, start.plus(Duration.ofMinutes(5)),
                    LossMoments.of(1_500, 1_500, 1_500, baseline * 1.3, 0.9)), start.plus(Duration.ofMinutes(6)), settings));
        }
        assertThat(alerts).extracting(DriftAlert::getState).containsExactly(AlertState.PENDING, AlertState.FIRING);
        assertThat(alerts.get(1).getDetector()).isEqualTo(Detector.WINDOW_TEST);
        assertThat(alerts.get(1).getStatistic()).isGreaterThan(alerts.get(1).getThreshold());
    }

    @Test
    void aConfiguredBaselineIsWhatAlertsCompareWith() {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s",
                "alerts.baseline.fraud", "0.5"));
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        List<DriftAlert> alerts = feed(monitor, Fixtures.simulatedLosses(LossLevel.MEDIUM, 22_000, 45), 0, 22_000, settings);
        assertThat(monitor.baseline().orElseThrow().isConfigured()).isTrue();
        assertThat(alerts).extracting(DriftAlert::getState).contains(AlertState.FIRING);
        assertThat(alerts).allSatisfy(alert -> assertThat(alert.getBaseline()).isEqualTo(0.5));
    }

    @Test
    void aNewVersionWorseThanItsPredecessorSaysSoInItsAlerts() {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s"));
        DriftMonitor worse = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, new PreviousVersion("6", 0.5, 1e-5, 20_000));
        DriftMonitor better = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, new PreviousVersion("6", 0.9, 1e-5, 20_000));
        double[] losses = Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_000, 46);
        feed(worse, losses, 0, losses.length, settings);
        feed(better, losses, 0, losses.length, settings);
        assertThat(worse.subject().versionNote()).startsWith("version 7 started").contains("above version 6");
        assertThat(worse.subject().previousVersion()).isEqualTo("6");
        assertThat(worse.subject().previousVersionBaseline()).isEqualTo(0.5);
        assertThat(better.subject().versionNote()).isNull();
    }

    @Test
    void changedSettingsRecalibrateTheSequentialDetectorFromTheFrozenBaseline() {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s"));
        AlertSettings stricter = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s",
                "alerts.expected-events-between-false-alarms", "100000000"));
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        double[] losses = Fixtures.simulatedLosses(LossLevel.MEDIUM, 20_100, 47);
        feed(monitor, losses, 0, 20_050, settings);
        double before = monitor.sequential().calibration().thresholds()[0];
        feed(monitor, losses, 20_050, 20_100, stricter);
        assertThat(monitor.sequential().isCalibratedFor(stricter)).isTrue();
        assertThat(monitor.sequential().calibration().thresholds()[0]).isGreaterThan(before);
    }

    @Test
    void aVersionWhoseLossNeverVariesKeepsLearningInsteadOfFreezingAUselessBaseline() {
        AlertSettings settings = Fixtures.settings(Map.of("alerts.reference.min-duration", "0s",
                "alerts.reference.min-events", "100", "alerts.reference.max-events", "200"));
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        double[] constant = new double[1_000];
        Arrays.fill(constant, 0.3);
        assertThat(feed(monitor, constant, 0, constant.length, settings)).isEmpty();
        assertThat(monitor.baseline()).isEmpty();
        assertThat(monitor.referencePeriod().orElseThrow().count()).isEqualTo(1_000);
    }

    @Test
    void rejectsImpossibleLossesAndWeightsNamingThem() {
        DriftMonitor monitor = DriftMonitor.start(Fixtures.SUBJECT, Fixtures.T0, null);
        AlertSettings settings = AlertSettings.defaults();
        assertThatThrownBy(() -> monitor.onScored(-0.1, 1.0, Fixtures.T0, settings))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loss=-0.1")
                .hasMessageContaining("model fraud version 7");
        assertThatThrownBy(() -> monitor.onScored(0.1, Double.NaN, Fixtures.T0, settings))
                .hasMessageContaining("weight=NaN");
    }
}
