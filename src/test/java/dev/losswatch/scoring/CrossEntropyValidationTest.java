package dev.losswatch.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("CrossEntropy rejects bad input with the rule, the field, the index and the value")
class CrossEntropyValidationTest {
    private static final ScoringSettings DEFAULTS = ScoringSettings.DEFAULTS;

    static Stream<Arguments> badEvents() {
        return Stream.of(
                reject(OutputType.LOGITS, new float[0], t -> t.setClassIndex(0), DEFAULTS,
                        InvalidKind.EMPTY_SCORES, "scores is empty"),
                reject(OutputType.LOGITS, new float[] {1, 2, 3, Float.NaN}, t -> t.setClassIndex(0), DEFAULTS,
                        InvalidKind.NON_FINITE_SCORE, "scores[3] is NaN"),
                reject(OutputType.MULTILABEL_LOGITS, new float[] {Float.NEGATIVE_INFINITY}, t -> t.setPositives(new int[0], 0),
                        DEFAULTS, InvalidKind.NON_FINITE_SCORE, "scores[0] is -Infinity"),
                reject(OutputType.PROBABILITIES, new float[] {1.25f, -0.25f}, t -> t.setClassIndex(0), DEFAULTS,
                        InvalidKind.PROBABILITY_OUT_OF_RANGE, "scores[0] = 1.25 is not a probability in [0, 1]"),
                reject(OutputType.MULTILABEL_PROBABILITIES, new float[] {0.5f, -0.1f}, t -> t.setPositives(new int[0], 0),
                        DEFAULTS, InvalidKind.PROBABILITY_OUT_OF_RANGE, "scores[1] = -0.1"),
                reject(OutputType.PROBABILITIES, new float[] {0.5f, 0.5012f}, t -> t.setClassIndex(0), DEFAULTS,
                        InvalidKind.PROBABILITIES_DO_NOT_SUM_TO_ONE, "sum to 1.001200, more than 0.0003 from 1"),
                reject(OutputType.BINARY_LOGIT, new float[] {0.1f, 0.2f}, t -> t.setClassIndex(0), DEFAULTS,
                        InvalidKind.BINARY_NEEDS_ONE_SCORE, "a BINARY_LOGIT prediction takes exactly one score, got 2"),
                reject(OutputType.LOGITS, new float[] {1, 2, 3, 4, 5}, t -> t.setClassIndex(7), DEFAULTS,
                        InvalidKind.CLASS_INDEX_OUT_OF_RANGE, "classIndex 7 is out of range for 5 classes"),
                reject(OutputType.PROBABILITIES, new float[] {0.5f, 0.5f}, t -> t.setClassIndex(-100), DEFAULTS,
                        InvalidKind.CLASS_INDEX_OUT_OF_RANGE, "classIndex -100 is out of range for 2 classes"),
                reject(OutputType.BINARY_PROBABILITY, new float[] {0.5f}, t -> t.setClassIndex(2), DEFAULTS,
                        InvalidKind.BINARY_CLASS_NOT_0_OR_1, "classIndex 2 is neither 0 nor 1"),
                reject(OutputType.LOGITS, new float[] {1, 2}, t -> t.setDistribution(new float[] {0.2f, 0.3f, 0.5f}, 3),
                        DEFAULTS, InvalidKind.DISTRIBUTION_LENGTH, "distribution has 3 entries but the prediction has 2 scores"),
                reject(OutputType.LOGITS, new float[] {1, 2}, t -> t.setDistribution(new float[] {1.1f, -0.1f}, 2),
                        DEFAULTS, InvalidKind.DISTRIBUTION_NEGATIVE, "distribution[1] = -0.1 is negative"),
                reject(OutputType.LOGITS, new float[] {1, 2}, t -> t.setDistribution(new float[] {Float.NaN, 1f}, 2),
                        DEFAULTS, InvalidKind.DISTRIBUTION_NOT_FINITE, "distribution[0] is NaN"),
                reject(OutputType.PROBABILITIES, new float[] {0.5f, 0.5f}, t -> t.setDistribution(new float[] {0.3f, 0.3f}, 2),
                        DEFAULTS, InvalidKind.DISTRIBUTION_SUM, "distribution sums to 0.6000000"),
                reject(OutputType.MULTILABEL_LOGITS, new float[] {1, 2, 3}, t -> t.setPositives(new int[] {0, 3}, 2),
                        DEFAULTS, InvalidKind.POSITIVE_OUT_OF_RANGE, "positives[1] = 3 is out of range for 3 classes"),
                reject(OutputType.LOGITS, new float[] {1, 2}, t -> t.setClassIndex(0),
                        new ScoringSettings(LogBase.E, 1e-15, 1.0),
                        InvalidKind.LABEL_SMOOTHING_OUT_OF_RANGE, "labelSmoothing 1.0 is outside [0, 1)"),
                reject(OutputType.LOGITS, new float[] {1, 2}, t -> t.setClassIndex(0),
                        new ScoringSettings(LogBase.E, 1e-15, Double.NaN),
                        InvalidKind.LABEL_SMOOTHING_OUT_OF_RANGE, "labelSmoothing NaN"),
                reject(OutputType.PROBABILITIES, new float[] {1, 0}, t -> t.setClassIndex(0),
                        new ScoringSettings(LogBase.E, 0.0, 0.0),
                        InvalidKind.EPSILON_OUT_OF_RANGE, "epsilon 0.0 is outside (0, 1)"),
                reject(OutputType.LOGITS, new float[] {1, 2}, t -> t.setPositives(new int[] {1}, 1), DEFAULTS,
                        InvalidKind.TARGET_KIND_MISMATCH, "a positives target does not fit a LOGITS prediction"),
                reject(OutputType.MULTILABEL_PROBABILITIES, new float[] {0.2f}, t -> t.setClassIndex(0), DEFAULTS,
                        InvalidKind.TARGET_KIND_MISMATCH, "a class index target does not fit a MULTILABEL_PROBABILITIES"),
                reject(OutputType.BINARY_LOGIT, new float[] {1}, t -> t.setDistribution(new float[] {1f}, 1), DEFAULTS,
                        InvalidKind.TARGET_KIND_MISMATCH, "a distribution target does not fit a BINARY_LOGIT"),
                reject(OutputType.LOGITS, new float[] {1, 2}, Target::clear, DEFAULTS,
                        InvalidKind.NO_TARGET, "the label has no target"));
    }

    private static Arguments reject(OutputType type, float[] scores, Consumer<Target> setTarget,
            ScoringSettings settings, InvalidKind kind, String reasonFragment) {
        return Arguments.of(kind, type, scores, setTarget, settings, reasonFragment);
    }

    @ParameterizedTest(name = "{0}: {5}")
    @MethodSource("badEvents")
    void rejectsWithTheRuleAndAReasonNamingFieldIndexAndValue(InvalidKind kind, OutputType type, float[] scores,
            Consumer<Target> setTarget, ScoringSettings settings, String reasonFragment) {
        Target target = new Target();
        setTarget.accept(target);
        ScoreResult result = new ScoreResult();

        assertThat(CrossEntropy.score(type, scores, scores.length, target, settings, result)).isFalse();

        assertThat(result.valid()).isFalse();
        assertThat(result.invalidKind()).isEqualTo(kind);
        assertThat(result.invalidReason()).contains(reasonFragment);
    }

    @Test
    void eachKindIsFiledUnderTheSideThatBrokeTheRule() {
        assertThat(InvalidKind.NON_FINITE_SCORE.dlqReason()).isEqualTo(DlqReason.INVALID_PREDICTION);
        assertThat(InvalidKind.MULTIPLE_TARGETS.dlqReason()).isEqualTo(DlqReason.INVALID_LABEL);
        assertThat(InvalidKind.DISTRIBUTION_SUM.dlqReason()).isEqualTo(DlqReason.INVALID_LABEL);
        assertThat(InvalidKind.CLASS_INDEX_OUT_OF_RANGE.dlqReason()).isEqualTo(DlqReason.LABEL_DOES_NOT_FIT);
        assertThat(InvalidKind.UNKNOWN_CLASS_NAME.dlqReason()).isEqualTo(DlqReason.LABEL_DOES_NOT_FIT);
    }

    @Test
    void anInvalidResultHasNoLossToReadAndBecomesADeadLetterException() {
        Target target = new Target();
        target.setClassIndex(0);
        ScoreResult result = new ScoreResult();
        CrossEntropy.score(OutputType.LOGITS, new float[] {Float.NaN}, 1, target, DEFAULTS, result);

        assertThatThrownBy(result::loss).isInstanceOf(IllegalStateException.class).hasMessageContaining("scores[0] is NaN");
        assertThatThrownBy(result::correct).isInstanceOf(IllegalStateException.class);
        assertThat(result.toInvalidEventException().reason()).isEqualTo(DlqReason.INVALID_PREDICTION);
        assertThat(result.toInvalidEventException()).hasMessage("scores[0] is NaN");
    }

    @Test
    void aValidResultHasNoReasonAndAFreshResultNoLoss() {
        Target target = new Target();
        target.setClassIndex(0);
        ScoreResult result = new ScoreResult();
        assertThatThrownBy(result::loss).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing has been scored");

        CrossEntropy.score(OutputType.LOGITS, new float[] {1f}, 1, target, DEFAULTS, result);

        assertThatThrownBy(result::invalidReason).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(result::toInvalidEventException).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResultReusedAfterARejectionCarriesTheNewScore() {
        Target target = new Target();
        target.setClassIndex(1);
        ScoreResult result = new ScoreResult();
        CrossEntropy.score(OutputType.LOGITS, new float[] {0f, Float.NaN}, 2, target, DEFAULTS, result);

        assertThat(CrossEntropy.score(OutputType.LOGITS, new float[] {0f, 0f}, 2, target, DEFAULTS, result)).isTrue();

        assertThat(result.loss()).isEqualTo(Math.log(2));
    }

    @Test
    void onlyTheFirstLengthScoresAreRead() {
        Target target = new Target();
        target.setClassIndex(0);
        ScoreResult result = new ScoreResult();

        assertThat(CrossEntropy.score(OutputType.LOGITS, new float[] {0f, 0f, Float.NaN}, 2, target, DEFAULTS, result))
                .isTrue();
        assertThat(result.loss()).isEqualTo(Math.log(2));
    }

    @Test
    void settingsOutOfRangeFailAtConfigurationTimeWithTheirName() {
        assertThat(ScoringSettings.DEFAULTS.requireValid()).isSameAs(ScoringSettings.DEFAULTS);
        assertThatThrownBy(() -> new ScoringSettings(LogBase.E, 1e-15, -0.1).requireValid())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("labelSmoothing -0.1 is outside [0, 1)");
        assertThatThrownBy(() -> new ScoringSettings(LogBase.E, 1.5, 0.0).requireValid())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("epsilon 1.5 is outside (0, 1)");
    }
}
