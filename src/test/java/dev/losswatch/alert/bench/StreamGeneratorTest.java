package dev.losswatch.alert.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.losswatch.alert.LossMoments;
import dev.losswatch.events.Label;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;

class StreamGeneratorTest {
    private static final StreamGenerator.Timing TIMING = StreamGenerator.Timing.standard();

    private static List<SimulatedEvent> events(Scenario scenario, long seed) {
        List<SimulatedEvent> events = new ArrayList<>();
        new StreamGenerator(scenario, seed, TIMING).forEachRemaining(events::add);
        return events;
    }

    private static double meanLoss(List<SimulatedEvent> events, boolean changed) {
        LossMoments moments = new LossMoments();
        events.stream().filter(e -> e.changed() == changed).forEach(e -> moments.add(e.loss()));
        return moments.mean();
    }

    @ParameterizedTest
    @EnumSource(LossLevel.class)
    void theCalibratedModelIsSolvedToItsLossLevel(LossLevel level) {
        double expected = new SimulatedClassifier(level.classes()).expectedLoss(StreamGenerator.sharpness(level), 1.0);
        assertThat(expected).isCloseTo(level.meanLoss(), within(1e-6 * level.meanLoss()));
    }

    @Test
    void sampledLossesAverageTheSolvedLevel() {
        Scenario scenario = Scenario.stationary(LossLevel.MEDIUM, 200_000);
        assertThat(meanLoss(events(scenario, 1), false)).isCloseTo(0.7, within(0.7 * 0.015));
    }

    @Test
    void regressionsAndImprovementsChangeTheMeanLossByTheirSize() {
        double rise = meanLoss(events(Scenario.abrupt(LossLevel.MEDIUM, 0.25, 0, 200_000), 2), true);
        double fall = meanLoss(events(Scenario.improvement(LossLevel.MEDIUM, -0.25, 0, 200_000), 3), true);
        assertThat(rise / 0.7).isCloseTo(1.25, within(0.025));
        assertThat(fall / 0.7).isCloseTo(0.75, within(0.02));
    }

    @Test
    void gradualAndOscillatingChangesFollowTheirShape() {
        Scenario gradual = Scenario.gradual(LossLevel.MEDIUM, 1.0, 1_000, 10_000, 20_000);
        assertThat(gradual.relativeChangeAt(999)).isZero();
        assertThat(gradual.relativeChangeAt(5_999)).isCloseTo(0.5, within(1e-12));
        assertThat(gradual.relativeChangeAt(15_000)).isEqualTo(1.0);
        Scenario oscillation = Scenario.oscillation(LossLevel.MEDIUM, 0.05, 20_000, 40_000);
        assertThat(oscillation.relativeChangeAt(5_000)).isCloseTo(0.05, within(1e-12));
        assertThat(oscillation.relativeChangeAt(15_000)).isCloseTo(-0.05, within(1e-12));
    }

    @Test
    void theSameSeedGivesTheSameStreamAndAnotherSeedAnotherOne() {
        Scenario scenario = Scenario.abrupt(LossLevel.HIGH, 0.5, 50, 100);
        List<SimulatedEvent> first = events(scenario, 7);
        List<SimulatedEvent> again = events(scenario, 7);
        List<SimulatedEvent> other = events(scenario, 8);
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i).logits()).containsExactly(first.get(i).logits());
            assertThat(again.get(i).label()).isEqualTo(first.get(i).label());
            assertThat(again.get(i).labelTimeMillis()).isEqualTo(first.get(i).labelTimeMillis());
        }
        assertThat(other.get(0).logits()).isNotEqualTo(first.get(0).logits());
    }

    @Test
    void everyScenarioOfALevelSharesTheStreamBeforeItsChangePoint() {
        List<SimulatedEvent> stationary = events(Scenario.stationary(LossLevel.MEDIUM, 300), 4);
        List<SimulatedEvent> abrupt = events(Scenario.abrupt(LossLevel.MEDIUM, 1.0, 200, 300), 4);
        for (int i = 0; i < 200; i++) {
            assertThat(abrupt.get(i).loss()).isEqualTo(stationary.get(i).loss());
        }
        assertThat(abrupt.get(200).changed()).isTrue();
        List<SimulatedEvent> continued = new ArrayList<>();
        StreamGenerator.fromChangePoint(Scenario.abrupt(LossLevel.MEDIUM, 1.0, 200, 300), 4, TIMING)
                .forEachRemaining(continued::add);
        assertThat(continued).hasSize(100);
        for (int i = 0; i < continued.size(); i++) {
            assertThat(continued.get(i).index()).isEqualTo(200 + i);
            assertThat(continued.get(i).loss()).isEqualTo(abrupt.get(200 + i).loss());
        }
        assertThatThrownBy(() -> StreamGenerator.fromChangePoint(Scenario.stationary(LossLevel.MEDIUM, 10), 4, TIMING))
                .hasMessageContaining("no change point");
    }

    @Test
    void eventsAreSpacedAndLabelsDelayedAsTheTimingSays() {
        List<SimulatedEvent> events = events(Scenario.stationary(LossLevel.LOW, 1_000), 5);
        long start = TIMING.start().toEpochMilli();
        for (SimulatedEvent event : events) {
            assertThat(event.predictionTimeMillis()).isEqualTo(start + 200 * event.index());
            assertThat(event.labelTimeMillis() - event.predictionTimeMillis()).isBetween(1_000L, 60_000L);
        }
    }

    @Test
    void eventsBecomeRealPredictionsAndLabelsWhoseCrossEntropyIsTheLoss() {
        SimulatedEvent event = events(Scenario.stationary(LossLevel.MEDIUM, 1), 6).get(0);
        Prediction prediction = event.toPrediction("s1", "simulated", "1");
        Label label = event.toLabel("s1");
        assertThat(prediction.getPredictionId()).isEqualTo("s1-0").isEqualTo(label.getPredictionId());
        assertThat(prediction.getOutputType()).isEqualTo(OutputType.LOGITS);
        assertThat(prediction.getScores()).hasSize(10);
        assertThat(label.getClassIndex()).isEqualTo(event.label());
        double max = prediction.getScores().stream().mapToDouble(Float::doubleValue).max().orElseThrow();
        double logSum = Math.log(prediction.getScores().stream().mapToDouble(s -> Math.exp(s - max)).sum()) + max;
        assertThat(event.loss()).isCloseTo(logSum - prediction.getScores().get(label.getClassIndex()), within(1e-12));
    }

    @Test
    void scenariosRejectImpossibleChanges() {
        assertThatThrownBy(() -> Scenario.abrupt(LossLevel.MEDIUM, -0.1, 0, 10)).hasMessageContaining("positive change");
        assertThatThrownBy(() -> Scenario.improvement(LossLevel.MEDIUM, 0.1, 0, 10)).hasMessageContaining("(-1, 0)");
        assertThatThrownBy(() -> new SimulatedClassifier(10).sharpnessForMeanLoss(2.5)).hasMessageContaining("ln 10");
    }
}
