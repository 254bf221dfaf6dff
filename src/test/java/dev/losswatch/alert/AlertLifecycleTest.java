package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.losswatch.events.AlertState;
import dev.losswatch.events.Detector;
import dev.losswatch.events.DriftAlert;

class AlertLifecycleTest {
    private static final AlertSettings SETTINGS = AlertSettings.defaults();
    private final AlertLifecycle lifecycle = new AlertLifecycle();

    /** Evaluations one minute apart; a breach's evidence began at the start of its minute. */
    private List<DriftAlert> at(int minute, Verdict verdict) {
        return at(minute, verdict, SETTINGS);
    }

    private List<DriftAlert> at(int minute, Verdict verdict, AlertSettings settings) {
        Instant time = Fixtures.at(Duration.ofMinutes(minute));
        return lifecycle.evaluate(verdict, time, (v, t) -> new Evaluation(Detector.WINDOW_TEST, v, 0.9, 0.7, 0.1,
                0.29, t.minusSeconds(60), t, t.minusSeconds(60), t, "the mean loss is 0.9"), Fixtures.SUBJECT, settings);
    }

    private static AlertState only(List<DriftAlert> transitions) {
        assertThat(transitions).hasSize(1);
        return transitions.get(0).getState();
    }

    @Test
    void oneRegressionGivesOneAlert() {
        assertThat(only(at(1, Verdict.BREACH))).isEqualTo(AlertState.PENDING);
        List<DriftAlert> firing = at(2, Verdict.BREACH);
        assertThat(only(firing)).isEqualTo(AlertState.FIRING);
        for (int minute = 3; minute < 60; minute++) {
            assertThat(at(minute, minute % 7 == 0 ? Verdict.INCONCLUSIVE : Verdict.BREACH)).isEmpty();
        }
        DriftAlert alert = firing.get(0);
        assertThat(alert.getPreviousState()).isEqualTo(AlertState.PENDING);
        assertThat(alert.getSince()).as("episode start: the first breach's evidence").isEqualTo(Fixtures.at(Duration.ZERO));
        assertThat(alert.getTimestamp()).isEqualTo(Fixtures.at(Duration.ofMinutes(2)));
    }

    @Test
    void aBreachThatDoesNotPersistReturnsToOk() {
        at(1, Verdict.BREACH);
        DriftAlert back = at(2, Verdict.CLEAR).get(0);
        assertThat(back.getState()).isEqualTo(AlertState.OK);
        assertThat(back.getPreviousState()).isEqualTo(AlertState.PENDING);
        assertThat(back.getReason()).startsWith("Not confirmed");
        assertThat(lifecycle.state()).isEqualTo(AlertState.OK);
    }

    @Test
    void inconclusiveEvaluationsNeitherConfirmNorCancelAPendingAlert() {
        at(1, Verdict.BREACH);
        assertThat(at(2, Verdict.INCONCLUSIVE)).isEmpty();
        assertThat(only(at(3, Verdict.BREACH))).isEqualTo(AlertState.FIRING);
    }

    @Test
    void resolvesOnlyAfterEnoughClearEvaluationsWithoutABreachBetween() {
        at(1, Verdict.BREACH);
        at(2, Verdict.BREACH);
        assertThat(at(3, Verdict.CLEAR)).isEmpty();
        assertThat(at(4, Verdict.CLEAR)).isEmpty();
        assertThat(at(5, Verdict.BREACH)).isEmpty();
        assertThat(at(6, Verdict.CLEAR)).isEmpty();
        assertThat(at(7, Verdict.INCONCLUSIVE)).isEmpty();
        assertThat(at(8, Verdict.CLEAR)).isEmpty();
        DriftAlert resolved = at(9, Verdict.CLEAR).get(0);
        assertThat(resolved.getState()).isEqualTo(AlertState.RESOLVED);
        assertThat(resolved.getSince()).isEqualTo(Fixtures.at(Duration.ZERO));
        assertThat(resolved.getReason()).startsWith("Recovered");
    }

    @Test
    void breachesDuringTheCooldownAreIgnoredAndTheAlertReturnsToOkAfterIt() {
        at(1, Verdict.BREACH);
        at(2, Verdict.BREACH);
        at(3, Verdict.CLEAR);
        at(4, Verdict.CLEAR);
        assertThat(only(at(5, Verdict.CLEAR))).isEqualTo(AlertState.RESOLVED);
        for (int minute = 6; minute < 35; minute++) {
            assertThat(at(minute, Verdict.BREACH)).as("minute %d of the cooldown", minute - 5).isEmpty();
        }
        List<DriftAlert> after = at(35, Verdict.BREACH);
        assertThat(after).extracting(DriftAlert::getState).containsExactly(AlertState.OK, AlertState.PENDING);
        assertThat(after.get(0).getReason()).startsWith("Cooldown over");
        assertThat(after.get(1).getSince()).as("a new episode").isEqualTo(Fixtures.at(Duration.ofMinutes(34)));
    }

    @Test
    void fireAfterOneGoesThroughPendingToFiringInOneEvaluation() {
        AlertSettings eager = Fixtures.settings(Map.of("alerts.fire-after", "1"));
        assertThat(at(1, Verdict.BREACH, eager)).extracting(DriftAlert::getState)
                .containsExactly(AlertState.PENDING, AlertState.FIRING);
    }

    @Test
    void everyTransitionCarriesItsEvidenceAndAnActionableReason() {
        AlertSubject subject = new AlertSubject("fraud", "7", "region", "eu", null, "6", 0.62,
                "version 7 started 12.0% above version 6 which it replaced");
        lifecycle.evaluate(Verdict.BREACH, Fixtures.at(Duration.ofMinutes(1)), (v, t) -> new Evaluation(
                Detector.SEQUENTIAL, v, 0.9, 0.7, 41.5, 42.0, t.minusSeconds(30), t, t.minusSeconds(30), t, "evidence"),
                subject, SETTINGS);
        DriftAlert firing = lifecycle.evaluate(Verdict.BREACH, Fixtures.at(Duration.ofMinutes(2)), (v, t) ->
                new Evaluation(Detector.SEQUENTIAL, v, 0.91, 0.7, 41.5, 43.0, t.minusSeconds(90), t, t.minusSeconds(90), t,
                        "the mean loss of the 640 labelled events since then is 0.91"), subject, SETTINGS).get(0);
        assertThat(firing.getModelId()).isEqualTo("fraud");
        assertThat(firing.getModelVersion()).isEqualTo("7");
        assertThat(firing.getSliceKey()).isEqualTo("region");
        assertThat(firing.getSliceValue()).isEqualTo("eu");
        assertThat(firing.getDetector()).isEqualTo(Detector.SEQUENTIAL);
        assertThat(firing.getObserved()).isEqualTo(0.91);
        assertThat(firing.getBaseline()).isEqualTo(0.7);
        assertThat(firing.getThreshold()).isEqualTo(41.5);
        assertThat(firing.getStatistic()).isEqualTo(43.0);
        assertThat(firing.getWindowStart()).isEqualTo(Fixtures.at(Duration.ofSeconds(30)));
        assertThat(firing.getWindowEnd()).isEqualTo(Fixtures.at(Duration.ofMinutes(2)));
        assertThat(firing.getSince()).isEqualTo(Fixtures.at(Duration.ofSeconds(30)));
        assertThat(firing.getPreviousVersion()).isEqualTo("6");
        assertThat(firing.getPreviousVersionBaseline()).isEqualTo(0.62);
        assertThat(firing.getReason())
                .startsWith("Loss regression of model fraud version 7 (slice region=eu) since ")
                .contains("0.91", "check what changed", "version 7 started 12.0% above version 6")
                .endsWith(".");
    }
}
