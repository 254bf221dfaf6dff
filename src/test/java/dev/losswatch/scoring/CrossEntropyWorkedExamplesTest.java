package dev.losswatch.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CrossEntropy on the textbook examples")
class CrossEntropyWorkedExamplesTest {
    private static final ScoringSettings BASE_10 = new ScoringSettings(LogBase.TEN, 1e-15, 0.0);

    private final Target target = new Target();
    private final ScoreResult result = new ScoreResult();

    @Test
    void softmaxOfTwoOneAndATenthAgainstClassZeroCostsPointFourOneSeven() {
        target.setClassIndex(0);

        score(OutputType.LOGITS, new float[] {2.0f, 1.0f, 0.1f}, ScoringSettings.DEFAULTS);

        assertThat(result.loss()).isCloseTo(0.4170, within(5e-5));
        assertThat(result.predictedClass()).isZero();
        assertThat(result.trueClass()).isZero();
        assertThat(result.correct()).isTrue();
        assertThat(result.confidence()).isCloseTo(0.6590, within(5e-5));
        assertThat(result.trueClassProbability()).isEqualTo(result.confidence());
        assertThat(result.appliedLabelSmoothing()).isZero();
    }

    @Test
    void probabilityPointEightyFiveOnTheTrueClassCostsMinusItsLogarithm() {
        target.setClassIndex(1);

        score(OutputType.PROBABILITIES, new float[] {0.05f, 0.85f, 0.10f}, ScoringSettings.DEFAULTS);

        assertThat(result.loss()).isCloseTo(0.1625189, within(5e-8));
        assertThat(result.predictedClass()).isEqualTo(1);
        assertThat(result.confidence()).isCloseTo(0.85, within(1e-7));
    }

    @Test
    void sixBinaryProbabilitiesAverageToTheKnownLogLoss() {
        float[] probabilities = {0.5f, 0.7f, 0.2f, 0.3f, 0.5f, 0.6f};
        int[] labels = {0, 1, 0, 0, 0, 0};
        double sum = 0.0;
        for (int i = 0; i < probabilities.length; i++) {
            target.setClassIndex(labels[i]);
            score(OutputType.BINARY_PROBABILITY, new float[] {probabilities[i]}, ScoringSettings.DEFAULTS);
            sum += result.loss();
        }

        assertThat(sum / probabilities.length).isCloseTo(0.5398464, within(5e-8));
    }

    @Test
    void baseTenLossesAreMinusTheDecimalLogarithmOfTheTruthsProbability() {
        assertThat(binaryProbabilityLossInBase10(0.7f, 1)).isCloseTo(0.1549, within(5e-5));
        assertThat(binaryProbabilityLossInBase10(0.7f, 0)).isCloseTo(0.5229, within(5e-5));
        assertThat(binaryProbabilityLossInBase10(0.6f, 0)).isCloseTo(0.3979, within(5e-5));
    }

    @Test
    void aBinaryProbabilityOfExactlyOneHalfPredictsThePositiveClass() {
        target.setClassIndex(0);

        score(OutputType.BINARY_PROBABILITY, new float[] {0.5f}, ScoringSettings.DEFAULTS);

        assertThat(result.predictedClass()).isEqualTo(1);
        assertThat(result.correct()).isFalse();
        assertThat(result.confidence()).isEqualTo(0.5);
    }

    @Test
    void aCertainRightAnswerCostsExactlyPositiveZero() {
        target.setClassIndex(2);

        score(OutputType.PROBABILITIES, new float[] {0.0f, 0.0f, 1.0f}, ScoringSettings.DEFAULTS);

        assertThat(result.loss()).isEqualTo(0.0).isNotNegative();
        assertThat(Double.doubleToRawLongBits(result.loss())).isZero();
    }

    @Test
    void aProbabilityOfZeroOnTheTruthIsClippedToEpsilon() {
        target.setClassIndex(0);

        score(OutputType.PROBABILITIES, new float[] {0.0f, 1.0f}, ScoringSettings.DEFAULTS);

        assertThat(result.loss()).isEqualTo(-Math.log(1e-15));
        assertThat(result.trueClassProbability()).isZero();
    }

    @Test
    void labelSmoothingIsReportedOnlyWhereItApplies() {
        ScoringSettings smoothed = new ScoringSettings(LogBase.E, 1e-15, 0.1);
        target.setClassIndex(1);
        score(OutputType.LOGITS, new float[] {0.5f, 2.0f}, smoothed);
        assertThat(result.appliedLabelSmoothing()).isEqualTo(0.1);

        score(OutputType.BINARY_LOGIT, new float[] {2.0f}, smoothed);
        assertThat(result.appliedLabelSmoothing()).isZero();

        target.setDistribution(new float[] {0.25f, 0.75f}, 2);
        score(OutputType.LOGITS, new float[] {0.5f, 2.0f}, smoothed);
        assertThat(result.appliedLabelSmoothing()).isZero();
    }

    @Test
    void aSoftTargetsTrueClassIsItsMostProbableClass() {
        target.setDistribution(new float[] {0.1f, 0.2f, 0.7f}, 3);

        score(OutputType.LOGITS, new float[] {0.0f, 3.0f, 1.0f}, ScoringSettings.DEFAULTS);

        assertThat(result.trueClass()).isEqualTo(2);
        assertThat(result.predictedClass()).isEqualTo(1);
        assertThat(result.correct()).isFalse();
    }

    @Test
    void multiLabelCompanionsAreMeansOverClasses() {
        target.setPositives(new int[] {0, 2}, 2);

        score(OutputType.MULTILABEL_PROBABILITIES, new float[] {0.9f, 0.2f, 0.4f}, ScoringSettings.DEFAULTS);

        double expectedLoss = (-Math.log(0.9f) - Math.log1p(-0.2f) - Math.log(0.4f)) / 3;
        assertThat(result.loss()).isCloseTo(expectedLoss, within(1e-15));
        assertThat(result.trueClass()).isEqualTo(-1);
        assertThat(result.predictedClass()).isZero();
        assertThat(result.correct()).as("class 2 is positive but thresholds to negative").isFalse();
        assertThat(result.confidence()).isCloseTo((0.9 + 0.8 + 0.6) / 3, within(1e-7));
        assertThat(result.trueClassProbability()).isCloseTo((0.9 + 0.8 + 0.4) / 3, within(1e-7));
    }

    private double binaryProbabilityLossInBase10(float p, int label) {
        target.setClassIndex(label);
        score(OutputType.BINARY_PROBABILITY, new float[] {p}, BASE_10);
        return result.loss();
    }

    private void score(OutputType type, float[] scores, ScoringSettings settings) {
        assertThat(CrossEntropy.score(type, scores, scores.length, target, settings, result)).as("%s", result).isTrue();
    }
}
