package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.scoring.EventScorer;
import dev.losswatch.scoring.ScoreResult;
import dev.losswatch.scoring.ScoringSettings;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("The demo's simulated models")
class DemoModelTest {
    private static final int EVENTS = 20_000;
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final EventScorer scorer = new EventScorer(EventScorer.DEFAULT_MAX_CLASSES);

    /** Sample mean and standard error of the losses of {@link #EVENTS} events. */
    private record MeanLoss(double mean, double standardError) {
    }

    private MeanLoss meanLoss(DemoModel model, boolean miscalibrated, SplittableRandom random) {
        double sum = 0;
        double sumOfSquares = 0;
        ScoreResult result = new ScoreResult();
        for (int i = 0; i < EVENTS; i++) {
            Prediction prediction = model.prediction("p-" + i, NOW, random);
            Label label = model.label(prediction, NOW, miscalibrated, random);
            assertThat(scorer.score(prediction, label, ScoringSettings.DEFAULTS, result)).as("%s", result).isTrue();
            sum += result.loss();
            sumOfSquares += result.loss() * result.loss();
        }
        double mean = sum / EVENTS;
        return new MeanLoss(mean, Math.sqrt((sumOfSquares / EVENTS - mean * mean) / EVENTS));
    }

    /** The loss a calibrated model expects of itself: the entropy of what it predicted. */
    private static double expectedLoss(DemoModel model, SplittableRandom random) {
        double sum = 0;
        for (int i = 0; i < EVENTS; i++) {
            sum += entropy(model.prediction("p-" + i, NOW, random));
        }
        return sum / EVENTS;
    }

    private static double entropy(Prediction prediction) {
        List<Float> scores = prediction.getScores();
        switch (prediction.getOutputType()) {
            case LOGITS: {
                double max = scores.stream().mapToDouble(Float::doubleValue).max().orElseThrow();
                double normaliser = scores.stream().mapToDouble(x -> Math.exp(x - max)).sum();
                return -scores.stream().mapToDouble(x -> Math.exp(x - max) / normaliser)
                        .map(p -> p * Math.log(p)).sum();
            }
            case BINARY_PROBABILITY:
                return binaryEntropy(scores.get(0));
            case MULTILABEL_LOGITS:
                return scores.stream().mapToDouble(x -> binaryEntropy(1 / (1 + Math.exp(-x)))).average().orElseThrow();
            default:
                throw new AssertionError("no demo model predicts " + prediction.getOutputType());
        }
    }

    private static double binaryEntropy(double p) {
        return -(p * Math.log(p) + (1 - p) * Math.log1p(-p));
    }

    @ParameterizedTest
    @EnumSource(DemoModel.class)
    @DisplayName("are calibrated: their mean loss is the entropy they predict, so the demo's losses are honest")
    void calibratedModelsLoseWhatTheyPredict(DemoModel model) {
        MeanLoss measured = meanLoss(model, false, new SplittableRandom(7));
        double expected = expectedLoss(model, new SplittableRandom(8));
        assertThat(measured.mean()).isCloseTo(expected, within(4 * measured.standardError() + 0.01));
    }

    @Test
    @DisplayName("the regressing model's mean loss rises by 50 to 100% when it is miscalibrated")
    void regressionRaisesTheMeanLossByHalfToDouble() {
        DemoModel model = DemoModel.regressing();
        double calibrated = meanLoss(model, false, new SplittableRandom(1)).mean();
        double miscalibrated = meanLoss(model, true, new SplittableRandom(1)).mean();
        assertThat(miscalibrated / calibrated).isBetween(1.5, 2.0);
    }

    @Test
    @DisplayName("share the traffic as configured, every model getting some")
    void everyModelGetsItsShareOfTheTraffic() {
        SplittableRandom random = new SplittableRandom(3);
        Map<DemoModel, Integer> picks = new EnumMap<>(DemoModel.class);
        for (int i = 0; i < EVENTS; i++) {
            picks.merge(DemoModel.pick(random), 1, Integer::sum);
        }
        assertThat(picks.get(DemoModel.CHURN) / (double) EVENTS).isCloseTo(0.5, within(0.02));
        assertThat(picks.get(DemoModel.FRAUD) / (double) EVENTS).isCloseTo(0.3, within(0.02));
        assertThat(picks.get(DemoModel.TAGS) / (double) EVENTS).isCloseTo(0.2, within(0.02));
    }
}
