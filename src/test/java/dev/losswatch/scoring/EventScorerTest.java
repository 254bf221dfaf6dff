package dev.losswatch.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.Label;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("EventScorer scores Avro predictions against their labels")
class EventScorerTest {
    private static final Instant PREDICTED_AT = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant LABELLED_AT = Instant.parse("2025-03-02T08:30:00Z");
    private static final List<String> ANIMALS = List.of("cat", "dog", "bird");

    private final EventScorer scorer = new EventScorer(EventScorer.DEFAULT_MAX_CLASSES);
    private final ScoreResult result = new ScoreResult();

    @Nested
    @DisplayName("checkPrediction")
    class CheckPrediction {
        @Test
        void acceptsAWellFormedPredictionWithoutTouchingTheResult() {
            assertThat(scorer.checkPrediction(prediction(OutputType.LOGITS, ANIMALS, 1f, 2f, 3f), result)).isTrue();
            assertThat(result.valid()).isFalse();
            assertThat(result.invalidKind()).as("untouched").isNull();
        }

        @Test
        void rejectsEmptyScores() {
            assertRejectsPrediction(prediction(OutputType.LOGITS, List.of()), InvalidKind.EMPTY_SCORES, "scores is empty");
        }

        @Test
        void rejectsANonFiniteScoreNamingItsIndex() {
            assertRejectsPrediction(prediction(OutputType.LOGITS, List.of(), 0f, Float.POSITIVE_INFINITY),
                    InvalidKind.NON_FINITE_SCORE, "scores[1] is Infinity");
        }

        @Test
        void rejectsMoreScoresThanTheConfiguredMaximum() {
            EventScorer small = new EventScorer(3);
            assertThat(small.checkPrediction(prediction(OutputType.LOGITS, List.of(), 1f, 2f, 3f, 4f), result)).isFalse();
            assertThat(result.invalidKind()).isEqualTo(InvalidKind.TOO_MANY_CLASSES);
            assertThat(result.invalidReason()).isEqualTo(
                    "scores has 4 entries, more than the 3 classes allowed (input.max-classes)");
        }

        @Test
        void rejectsAProbabilityOutsideZeroOne() {
            assertRejectsPrediction(prediction(OutputType.BINARY_PROBABILITY, List.of(), 1.5f),
                    InvalidKind.PROBABILITY_OUT_OF_RANGE, "scores[0] = 1.5 is not a probability in [0, 1]");
        }

        @Test
        void rejectsProbabilitiesThatDoNotSumToOne() {
            assertRejectsPrediction(prediction(OutputType.PROBABILITIES, List.of(), 0.2f, 0.2f),
                    InvalidKind.PROBABILITIES_DO_NOT_SUM_TO_ONE, "sum to 0.4000000");
        }

        @Test
        void rejectsABinaryPredictionWithTwoScores() {
            assertRejectsPrediction(prediction(OutputType.BINARY_LOGIT, List.of(), 0.3f, 0.7f),
                    InvalidKind.BINARY_NEEDS_ONE_SCORE, "exactly one score, got 2");
        }

        @Test
        void rejectsClassNamesThatDoNotNameEveryClass() {
            assertRejectsPrediction(prediction(OutputType.LOGITS, List.of("cat", "dog"), 1f, 2f, 3f),
                    InvalidKind.CLASS_NAMES_LENGTH, "classNames has 2 entries but the LOGITS prediction has 3 classes");
            assertRejectsPrediction(prediction(OutputType.BINARY_LOGIT, List.of("spam"), 1f),
                    InvalidKind.CLASS_NAMES_LENGTH, "name the negative class, then the positive one");
        }

        private void assertRejectsPrediction(Prediction prediction, InvalidKind kind, String reasonFragment) {
            assertRejected(scorer.checkPrediction(prediction, result), kind, DlqReason.INVALID_PREDICTION,
                    reasonFragment);
        }
    }

    @Nested
    @DisplayName("checkLabel")
    class CheckLabel {
        @Test
        void acceptsALabelWithExactlyOneTarget() {
            assertThat(scorer.checkLabel(label().setClassName("dog").build(), result)).isTrue();
            assertThat(scorer.checkLabel(label().setDistribution(floats(0.25f, 0.75f)).build(), result)).isTrue();
            assertThat(scorer.checkLabel(label().setPositives(List.of()).build(), result)).isTrue();
        }

        @Test
        void rejectsALabelWithoutTarget() {
            assertRejectsLabel(label(), InvalidKind.NO_TARGET, "none of classIndex, className, distribution, positives");
        }

        @Test
        void rejectsALabelWithTwoTargetsNamingThem() {
            assertRejectsLabel(label().setClassIndex(1).setClassName("dog"), InvalidKind.MULTIPLE_TARGETS,
                    "the label sets classIndex, className; exactly one target is allowed");
        }

        @Test
        void rejectsAWeightThatIsNegativeOrNotFinite() {
            assertRejectsLabel(label().setClassIndex(0).setWeight(-1.0), InvalidKind.INVALID_WEIGHT,
                    "weight -1.0 is not a finite number >= 0");
            assertRejectsLabel(label().setClassIndex(0).setWeight(Double.NaN), InvalidKind.INVALID_WEIGHT, "weight NaN");
            assertRejectsLabel(label().setClassIndex(0).setWeight(Double.POSITIVE_INFINITY), InvalidKind.INVALID_WEIGHT,
                    "weight Infinity");
        }

        @Test
        void rejectsADistributionThatIsNotAProbabilityVector() {
            assertRejectsLabel(label().setDistribution(floats(1.5f, -0.5f)), InvalidKind.DISTRIBUTION_NEGATIVE,
                    "distribution[1] = -0.5 is negative");
            assertRejectsLabel(label().setDistribution(floats(0.5f, 0.6f)), InvalidKind.DISTRIBUTION_SUM,
                    "distribution sums to 1.100000");
            assertRejectsLabel(label().setDistribution(Arrays.asList(0.5f, null)), InvalidKind.DISTRIBUTION_NOT_FINITE,
                    "distribution[1] is NaN");
        }

        @Test
        void checksALongDistributionAfterShortOnesWithTheSameScorer() {
            assertThat(scorer.checkLabel(label().setDistribution(floats(0.25f, 0.75f)).build(), result)).isTrue();
            List<Float> wide = new java.util.ArrayList<>(java.util.Collections.nCopies(1000, 0.001f));

            assertThat(scorer.checkLabel(label().setDistribution(wide).build(), result)).isTrue();
        }

        @Test
        void scoresALongPositivesListAfterShortOnesWithTheSameScorer() {
            Prediction narrow = Prediction.newBuilder().setPredictionId("p").setModelId("m")
                    .setTimestamp(java.time.Instant.EPOCH).setOutputType(dev.losswatch.events.OutputType.MULTILABEL_LOGITS)
                    .setScores(floats(0f, 0f)).build();
            assertThat(scorer.score(narrow, label().setPositives(List.of(1)).build(), ScoringSettings.DEFAULTS, result)).isTrue();
            List<Float> zeros = new java.util.ArrayList<>(java.util.Collections.nCopies(1000, 0f));
            List<Integer> allClasses = java.util.stream.IntStream.range(0, 1000).boxed().toList();
            Prediction wide = Prediction.newBuilder(narrow).setScores(zeros).build();

            assertThat(scorer.score(wide, label().setPositives(allClasses).build(), ScoringSettings.DEFAULTS, result)).isTrue();
            assertThat(result.loss()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
        }

        @Test
        void rejectsATargetLongerThanTheConfiguredMaximum() {
            EventScorer small = new EventScorer(2);
            assertThat(small.checkLabel(label().setPositives(List.of(0, 1, 2)).build(), result)).isFalse();
            assertThat(result.invalidKind()).isEqualTo(InvalidKind.TARGET_TOO_LONG);
            assertThat(result.invalidReason()).isEqualTo(
                    "positives has 3 entries, more than the 2 classes allowed (input.max-classes)");
        }

        private void assertRejectsLabel(Label.Builder label, InvalidKind kind, String reasonFragment) {
            assertRejected(scorer.checkLabel(label.build(), result), kind, DlqReason.INVALID_LABEL, reasonFragment);
        }
    }

    @Nested
    @DisplayName("score")
    class Score {
        @Test
        void resolvesAClassNameAgainstThePredictionsClassNames() {
            Prediction prediction = prediction(OutputType.LOGITS, ANIMALS, 2.0f, 1.0f, 0.1f);

            assertThat(scorer.score(prediction, label().setClassName("cat").build(), ScoringSettings.DEFAULTS, result))
                    .isTrue();

            assertThat(result.trueClass()).isZero();
            assertThat(result.loss()).isCloseTo(0.4170, within(5e-5));
        }

        @Test
        void scoresEachKindOfTargetLikeTheCore() {
            assertScoresLikeCore(prediction(OutputType.LOGITS, List.of(), 0.5f, -1f, 2f),
                    label().setDistribution(floats(0.2f, 0.3f, 0.5f)).build(),
                    t -> t.setDistribution(new float[] {0.2f, 0.3f, 0.5f}, 3));
            assertScoresLikeCore(prediction(OutputType.MULTILABEL_LOGITS, List.of(), 0.5f, -1f, 2f),
                    label().setPositives(List.of(0, 2)).build(), t -> t.setPositives(new int[] {0, 2}, 2));
            assertScoresLikeCore(prediction(OutputType.BINARY_PROBABILITY, List.of(), 0.8f),
                    label().setClassIndex(1).build(), t -> t.setClassIndex(1));
        }

        @Test
        void rejectsAClassNameThePredictionDoesNotList() {
            assertRejectsPair(prediction(OutputType.LOGITS, ANIMALS, 1f, 2f, 3f), label().setClassName("fish"),
                    InvalidKind.UNKNOWN_CLASS_NAME, "className \"fish\" is not among the prediction's 3 classNames");
        }

        @Test
        void rejectsAClassIndexOutOfRange() {
            assertRejectsPair(prediction(OutputType.PROBABILITIES, List.of(), 0.5f, 0.5f), label().setClassIndex(2),
                    InvalidKind.CLASS_INDEX_OUT_OF_RANGE, "classIndex 2 is out of range for 2 classes");
        }

        @Test
        void rejectsADistributionOfAnotherLength() {
            assertRejectsPair(prediction(OutputType.LOGITS, List.of(), 1f, 2f, 3f),
                    label().setDistribution(floats(0.5f, 0.5f)), InvalidKind.DISTRIBUTION_LENGTH,
                    "distribution has 2 entries but the prediction has 3 scores");
        }

        @Test
        void rejectsAPositiveOutOfRange() {
            assertRejectsPair(prediction(OutputType.MULTILABEL_PROBABILITIES, List.of(), 0.5f, 0.5f),
                    label().setPositives(List.of(1, 5)), InvalidKind.POSITIVE_OUT_OF_RANGE,
                    "positives[1] = 5 is out of range for 2 classes");
        }

        @Test
        void rejectsTargetKindsThatDoNotFitTheOutputType() {
            assertRejectsPair(prediction(OutputType.LOGITS, List.of(), 1f, 2f), label().setPositives(List.of(1)),
                    InvalidKind.TARGET_KIND_MISMATCH, "a positives target does not fit a LOGITS prediction");
            assertRejectsPair(prediction(OutputType.MULTILABEL_LOGITS, List.of(), 1f, 2f), label().setClassIndex(1),
                    InvalidKind.TARGET_KIND_MISMATCH, "a class index target does not fit a MULTILABEL_LOGITS");
        }

        @Test
        void rejectsABinaryLabelOtherThanZeroOrOne() {
            assertRejectsPair(prediction(OutputType.BINARY_LOGIT, List.of(), 1f), label().setClassIndex(3),
                    InvalidKind.BINARY_CLASS_NOT_0_OR_1, "classIndex 3 is neither 0 nor 1");
        }

        @Test
        void rejectsWhatEitherSideBreaksOnItsOwn() {
            assertThat(scorer.score(prediction(OutputType.LOGITS, List.of(), Float.NaN), label().setClassIndex(0).build(),
                    ScoringSettings.DEFAULTS, result)).isFalse();
            assertThat(result.invalidKind()).isEqualTo(InvalidKind.NON_FINITE_SCORE);

            assertThat(scorer.score(prediction(OutputType.LOGITS, List.of(), 1f), label().setClassIndex(0)
                    .setWeight(-2.0).build(), ScoringSettings.DEFAULTS, result)).isFalse();
            assertThat(result.invalidKind()).isEqualTo(InvalidKind.INVALID_WEIGHT);
        }

        @Test
        void scoresADecodedAvroEventLikeTheHandBuiltOne() throws IOException {
            Prediction built = prediction(OutputType.MULTILABEL_LOGITS, List.of(), 3f, -2f, 0.5f, 8f);
            Label label = label().setPositives(List.of(0, 3)).build();
            scorer.score(built, label, ScoringSettings.DEFAULTS, result);
            double handBuiltLoss = result.loss();

            Prediction decoded = Prediction.fromByteBuffer(built.toByteBuffer());
            Label decodedLabel = Label.fromByteBuffer(label.toByteBuffer());

            assertThat(scorer.score(decoded, decodedLabel, ScoringSettings.DEFAULTS, result)).isTrue();
            assertThat(result.loss()).isEqualTo(handBuiltLoss);
        }

        @Test
        void growsItsBuffersForALargeEventAndStillScoresSmallOnesAfterwards() {
            Float[] many = new Float[5000];
            Arrays.fill(many, 0f);
            assertThat(scorer.score(prediction(OutputType.LOGITS, List.of(), many), label().setClassIndex(4999).build(),
                    ScoringSettings.DEFAULTS, result)).isTrue();
            assertThat(result.loss()).isCloseTo(Math.log(5000), within(1e-12));

            assertThat(scorer.score(prediction(OutputType.LOGITS, List.of(), 0f, 0f), label().setClassIndex(1).build(),
                    ScoringSettings.DEFAULTS, result)).isTrue();
            assertThat(result.loss()).isEqualTo(Math.log(2));
        }

        private void assertScoresLikeCore(Prediction prediction, Label label,
                Consumer<Target> setTarget) {
            assertThat(scorer.score(prediction, label, ScoringSettings.DEFAULTS, result)).as("%s", result).isTrue();
            Target target = new Target();
            setTarget.accept(target);
            float[] scores = new float[prediction.getScores().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = prediction.getScores().get(i);
            }
            ScoreResult core = new ScoreResult();
            CrossEntropy.score(prediction.getOutputType(), scores, scores.length, target, ScoringSettings.DEFAULTS, core);
            assertThat(result.loss()).isEqualTo(core.loss());
            assertThat(result.trueClass()).isEqualTo(core.trueClass());
        }

        private void assertRejectsPair(Prediction prediction, Label.Builder label, InvalidKind kind,
                String reasonFragment) {
            assertRejected(scorer.score(prediction, label.build(), ScoringSettings.DEFAULTS, result), kind,
                    DlqReason.LABEL_DOES_NOT_FIT, reasonFragment);
        }
    }

    @Nested
    @DisplayName("toScoredPrediction")
    class ToScoredPrediction {
        @Test
        void carriesTheScoreTheClassNamesAndBothEventsFields() {
            Prediction prediction = prediction(OutputType.LOGITS, ANIMALS, 2.0f, 1.0f, 0.1f);
            prediction.setAttributes(Map.of("region", "eu"));
            Label label = label().setClassName("dog").setWeight(2.5).build();
            ScoringSettings settings = new ScoringSettings(LogBase.TWO, 1e-15, 0.1);
            scorer.score(prediction, label, settings, result);

            ScoredPrediction scored = EventScorer.toScoredPrediction(prediction, label, result, settings);

            assertThat(scored.getPredictionId()).isEqualTo("p-1");
            assertThat(scored.getModelId()).isEqualTo("animals");
            assertThat(scored.getModelVersion()).isEqualTo("v7");
            assertThat(scored.getPredictionTimestamp()).isEqualTo(PREDICTED_AT);
            assertThat(scored.getLabelTimestamp()).isEqualTo(LABELLED_AT);
            assertThat(scored.getOutputType()).isEqualTo(OutputType.LOGITS);
            assertThat(scored.getLoss()).isEqualTo(result.loss());
            assertThat(scored.getLogBase()).isEqualTo(LogBase.TWO);
            assertThat(scored.getPredictedClass()).isZero();
            assertThat(scored.getPredictedClassName()).isEqualTo("cat");
            assertThat(scored.getTrueClass()).isEqualTo(1);
            assertThat(scored.getTrueClassName()).isEqualTo("dog");
            assertThat(scored.getCorrect()).isFalse();
            assertThat(scored.getConfidence()).isEqualTo(result.confidence());
            assertThat(scored.getTrueClassProbability()).isEqualTo(result.trueClassProbability());
            assertThat(scored.getWeight()).isEqualTo(2.5);
            assertThat(scored.getLabelSmoothing()).isEqualTo(0.1);
            assertThat(scored.getAttributes()).containsExactly(Map.entry("region", "eu"));
        }

        @Test
        void leavesNamesOutWhenThePredictionListsNone() {
            Prediction prediction = prediction(OutputType.BINARY_LOGIT, List.of(), -1.5f);
            Label label = label().setClassIndex(0).build();
            scorer.score(prediction, label, ScoringSettings.DEFAULTS, result);

            ScoredPrediction scored = EventScorer.toScoredPrediction(prediction, label, result, ScoringSettings.DEFAULTS);

            assertThat(scored.getPredictedClass()).isZero();
            assertThat(scored.getPredictedClassName()).isNull();
            assertThat(scored.getTrueClass()).isZero();
            assertThat(scored.getTrueClassName()).isNull();
            assertThat(scored.getCorrect()).isTrue();
        }

        @Test
        void namesBinaryClassesNegativeThenPositive() {
            Prediction prediction = prediction(OutputType.BINARY_PROBABILITY, List.of("ham", "spam"), 0.9f);
            Label label = label().setClassName("ham").build();
            scorer.score(prediction, label, ScoringSettings.DEFAULTS, result);

            ScoredPrediction scored = EventScorer.toScoredPrediction(prediction, label, result, ScoringSettings.DEFAULTS);

            assertThat(scored.getPredictedClassName()).isEqualTo("spam");
            assertThat(scored.getTrueClass()).isZero();
            assertThat(scored.getTrueClassName()).isEqualTo("ham");
            assertThat(scored.getLoss()).isCloseTo(-Math.log1p(-0.9f), within(1e-15));
        }

        @Test
        void hasNoTrueClassForAMultiLabelEvent() {
            Prediction prediction = prediction(OutputType.MULTILABEL_PROBABILITIES, ANIMALS, 0.9f, 0.1f, 0.6f);
            Label label = label().setPositives(List.of(0, 2)).build();
            scorer.score(prediction, label, ScoringSettings.DEFAULTS, result);

            ScoredPrediction scored = EventScorer.toScoredPrediction(prediction, label, result, ScoringSettings.DEFAULTS);

            assertThat(scored.getTrueClass()).isNull();
            assertThat(scored.getTrueClassName()).isNull();
            assertThat(scored.getPredictedClassName()).isEqualTo("cat");
            assertThat(scored.getCorrect()).isTrue();
        }

        @Test
        void refusesAnInvalidResult() {
            Prediction prediction = prediction(OutputType.LOGITS, List.of(), Float.NaN);
            Label label = label().setClassIndex(0).build();
            scorer.score(prediction, label, ScoringSettings.DEFAULTS, result);

            assertThatThrownBy(() -> EventScorer.toScoredPrediction(prediction, label, result, ScoringSettings.DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scores[0] is NaN");
        }
    }

    private void assertRejected(boolean accepted, InvalidKind kind, DlqReason side, String reasonFragment) {
        assertThat(accepted).isFalse();
        assertThat(result.invalidKind()).isEqualTo(kind);
        assertThat(kind.dlqReason()).isEqualTo(side);
        assertThat(result.invalidReason()).contains(reasonFragment);
    }

    @Test
    void refusesAMaximumBelowOneClass() {
        assertThatThrownBy(() -> new EventScorer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input.max-classes must be at least 1, got 0");
    }

    static Prediction prediction(OutputType type, List<String> classNames, Float... scores) {
        return Prediction.newBuilder()
                .setPredictionId("p-1")
                .setModelId("animals")
                .setModelVersion("v7")
                .setTimestamp(PREDICTED_AT)
                .setOutputType(type)
                .setScores(Arrays.asList(scores))
                .setClassNames(classNames)
                .setAttributes(Collections.emptyMap())
                .build();
    }

    static Label.Builder label() {
        return Label.newBuilder().setPredictionId("p-1").setTimestamp(LABELLED_AT);
    }

    static List<Float> floats(Float... values) {
        return Arrays.asList(values);
    }
}
