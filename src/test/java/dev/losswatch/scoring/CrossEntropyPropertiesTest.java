package dev.losswatch.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Properties checked over many seeded random events; a failure message names the event. */
@DisplayName("CrossEntropy properties on seeded random events")
class CrossEntropyPropertiesTest {
    private static final int EVENTS = 2_000;
    private static final double RELATIVE = 1e-12;

    private final SplittableRandom random = new SplittableRandom(20240611L);
    private final Target target = new Target();
    private final ScoreResult result = new ScoreResult();
    private final ScoreResult other = new ScoreResult();

    @Test
    void everyValidEventOfEveryTypeHasAFiniteNonNegativeLossAndProbabilitiesInZeroOne() {
        for (int n = 0; n < EVENTS; n++) {
            for (OutputType type : OutputType.values()) {
                float[] scores = randomScores(type, anyMagnitude());
                setRandomTarget(type, scores.length);
                ScoringSettings settings = new ScoringSettings(randomLogBase(), 1e-15, random.nextDouble(0.0, 0.99));

                score(type, scores, settings, result);
                assertThat(result.loss()).as("%s %s", type, describe(scores)).isFinite().isNotNegative();
                assertThat(result.confidence()).isBetween(0.0, 1.0);
                assertThat(result.trueClassProbability()).isBetween(0.0, 1.0);
            }
        }
    }

    @Test
    void addingAConstantToEveryLogitLeavesTheLossUnchanged() {
        for (int n = 0; n < EVENTS; n++) {
            // multiples of 1/256 shifted by an integer stay exact in float, so the two events are the same event
            int classes = 2 + random.nextInt(20);
            float[] logits = new float[classes];
            float[] shifted = new float[classes];
            float shift = random.nextInt(-1000, 1000);
            for (int i = 0; i < classes; i++) {
                logits[i] = random.nextInt(-4096, 4096) / 256.0f;
                shifted[i] = logits[i] + shift;
            }
            target.setClassIndex(random.nextInt(classes));
            ScoringSettings settings = new ScoringSettings(LogBase.E, 1e-15, random.nextBoolean() ? 0.0 : 0.2);

            score(OutputType.LOGITS, logits, settings, result);
            score(OutputType.LOGITS, shifted, settings, other);

            assertThat(other.loss()).as(describe(logits) + " shifted by " + shift)
                    .isCloseTo(result.loss(), within(RELATIVE * result.loss()));
        }
    }

    @Test
    void equalLogitsCostTheLogarithmOfTheNumberOfClassesWhateverTheirSizeAndSmoothing() {
        float[] values = {0.0f, 1.0f, -7.5f, 3e38f, -3e38f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};
        for (int n = 0; n < EVENTS; n++) {
            int classes = 1 + random.nextInt(1000);
            float[] logits = new float[classes];
            Arrays.fill(logits, values[random.nextInt(values.length)]);
            target.setClassIndex(random.nextInt(classes));
            ScoringSettings settings = new ScoringSettings(LogBase.E, 1e-15, random.nextDouble(0.0, 0.99));

            score(OutputType.LOGITS, logits, settings, result);

            assertThat(result.loss()).as("%d classes equal to %s", classes, logits[0])
                    .isCloseTo(Math.log(classes), within(RELATIVE * Math.log(classes) + 1e-300));
            assertThat(result.confidence()).isCloseTo(1.0 / classes, within(1e-15));
        }
    }

    @Test
    void aBinaryLogitScoresLikeTwoLogitsZeroAndX() {
        for (int n = 0; n < EVENTS; n++) {
            float x = randomLogit(anyMagnitude());
            int label = random.nextInt(2);
            target.setClassIndex(label);

            score(OutputType.BINARY_LOGIT, new float[] {x}, ScoringSettings.DEFAULTS, result);
            score(OutputType.LOGITS, new float[] {0.0f, x}, ScoringSettings.DEFAULTS, other);

            assertThat(result.loss()).as("x = %s, class %d", x, label)
                    .isCloseTo(other.loss(), within(RELATIVE * other.loss() + 1e-300));
            assertThat(result.trueClassProbability()).isCloseTo(other.trueClassProbability(), within(1e-15));
            if (x != 0.0f) {
                assertThat(result.predictedClass()).isEqualTo(other.predictedClass());
            }
        }
    }

    @Test
    void aMultiLabelOutputWithOneClassScoresLikeTheBinaryOutput() {
        OutputType[][] pairs = {
            {OutputType.MULTILABEL_LOGITS, OutputType.BINARY_LOGIT},
            {OutputType.MULTILABEL_PROBABILITIES, OutputType.BINARY_PROBABILITY}};
        for (int n = 0; n < EVENTS; n++) {
            for (OutputType[] pair : pairs) {
                float[] score = randomScores(pair[1], anyMagnitude());
                boolean positive = random.nextBoolean();

                target.setPositives(positive ? new int[] {0} : new int[0], positive ? 1 : 0);
                score(pair[0], score, ScoringSettings.DEFAULTS, result);
                target.setClassIndex(positive ? 1 : 0);
                score(pair[1], score, ScoringSettings.DEFAULTS, other);

                assertThat(result.loss()).as("%s %s positive=%s", pair[0], score[0], positive).isEqualTo(other.loss());
                assertThat(result.correct()).isEqualTo(other.correct());
                assertThat(result.confidence()).isEqualTo(other.confidence());
                assertThat(result.trueClassProbability()).isEqualTo(other.trueClassProbability());
            }
        }
    }

    @Test
    void positivesInAnyOrderWithRepeatsScoreLikeTheSortedSet() {
        for (int n = 0; n < EVENTS; n++) {
            int classes = 1 + random.nextInt(30);
            float[] logits = randomScores(OutputType.MULTILABEL_LOGITS, 10.0f);
            logits = Arrays.copyOf(logits, classes);
            int[] shuffled = new int[random.nextInt(2 * classes)];
            for (int i = 0; i < shuffled.length; i++) {
                shuffled[i] = random.nextInt(classes);
            }
            int[] sortedSet = Arrays.stream(shuffled).sorted().distinct().toArray();

            target.setPositives(shuffled, shuffled.length);
            score(OutputType.MULTILABEL_LOGITS, logits, ScoringSettings.DEFAULTS, result);
            target.setPositives(sortedSet, sortedSet.length);
            score(OutputType.MULTILABEL_LOGITS, logits, ScoringSettings.DEFAULTS, other);

            assertThat(result.loss()).as(Arrays.toString(shuffled)).isEqualTo(other.loss());
            assertThat(result.correct()).isEqualTo(other.correct());
        }
    }

    @Test
    void aOneHotDistributionScoresLikeItsClassIndex() {
        for (int n = 0; n < EVENTS; n++) {
            for (OutputType type : new OutputType[] {OutputType.LOGITS, OutputType.PROBABILITIES}) {
                float[] scores = randomScores(type, anyMagnitude());
                int k = random.nextInt(scores.length);
                float[] oneHot = new float[scores.length];
                oneHot[k] = 1.0f;

                target.setClassIndex(k);
                score(type, scores, ScoringSettings.DEFAULTS, result);
                target.setDistribution(oneHot, oneHot.length);
                score(type, scores, ScoringSettings.DEFAULTS, other);

                assertThat(other.loss()).as("%s %s class %d", type, describe(scores), k)
                        .isCloseTo(result.loss(), within(RELATIVE * result.loss() + 1e-300));
                assertThat(other.trueClass()).isEqualTo(k);
            }
        }
    }

    @Test
    void labelSmoothingScoresLikeTheSmoothedDistribution() {
        for (int n = 0; n < EVENTS; n++) {
            for (OutputType type : new OutputType[] {OutputType.LOGITS, OutputType.PROBABILITIES}) {
                float[] scores = randomScores(type, 20.0f);
                int k = random.nextInt(scores.length);
                double s = random.nextDouble(0.0, 0.99);
                float[] smoothed = new float[scores.length];
                for (int i = 0; i < smoothed.length; i++) {
                    smoothed[i] = (float) ((1 - s) * (i == k ? 1 : 0) + s / scores.length);
                }

                target.setClassIndex(k);
                score(type, scores, new ScoringSettings(LogBase.E, 1e-15, s), result);
                target.setDistribution(smoothed, smoothed.length);
                score(type, scores, ScoringSettings.DEFAULTS, other);

                // the distribution is rounded to float, so the two agree to float precision only
                assertThat(result.loss()).as("%s %s class %d s=%s", type, describe(scores), k, s)
                        .isCloseTo(other.loss(), within(1e-6 * other.loss() + 1e-12));
            }
        }
    }

    @Test
    void lossesInBaseTwoAndTenAreNatsDividedByTheLogarithmOfTheBase() {
        for (int n = 0; n < EVENTS; n++) {
            float[] logits = randomScores(OutputType.LOGITS, 10.0f);
            target.setClassIndex(random.nextInt(logits.length));
            score(OutputType.LOGITS, logits, ScoringSettings.DEFAULTS, result);
            double nats = result.loss();

            score(OutputType.LOGITS, logits, new ScoringSettings(LogBase.TWO, 1e-15, 0.0), result);
            assertThat(result.loss()).isCloseTo(nats / Math.log(2), within(RELATIVE * nats));
            score(OutputType.LOGITS, logits, new ScoringSettings(LogBase.TEN, 1e-15, 0.0), result);
            assertThat(result.loss()).isCloseTo(nats / Math.log(10), within(RELATIVE * nats));
        }
    }

    private void score(OutputType type, float[] scores, ScoringSettings settings, ScoreResult out) {
        boolean valid = CrossEntropy.score(type, scores, scores.length, target, settings, out);
        assertThat(valid).as("%s %s: %s", type, describe(scores), out).isTrue();
    }

    /** A scale from 1e-3 up to the float maximum, so that extreme magnitudes are common. */
    private float anyMagnitude() {
        return switch (random.nextInt(4)) {
            case 0 -> 1.0f;
            case 1 -> (float) Math.pow(10, random.nextDouble(-3, 3));
            case 2 -> (float) Math.pow(10, random.nextDouble(3, 38));
            default -> Float.MAX_VALUE;
        };
    }

    /** Valid scores of the type: logits of about {@code scale}, or probabilities including exact 0 and 1. */
    private float[] randomScores(OutputType type, float scale) {
        int classes = switch (type) {
            case BINARY_LOGIT, BINARY_PROBABILITY -> 1;
            default -> 1 + random.nextInt(50);
        };
        float[] scores = new float[classes];
        switch (type) {
            case LOGITS, BINARY_LOGIT, MULTILABEL_LOGITS -> {
                for (int i = 0; i < classes; i++) {
                    scores[i] = randomLogit(scale);
                }
            }
            case PROBABILITIES -> {
                // a float simplex: exact when one class takes all, else normalised within float rounding
                if (random.nextInt(5) == 0) {
                    scores[random.nextInt(classes)] = 1.0f;
                } else {
                    double[] weights = new double[classes];
                    for (int i = 0; i < classes; i++) {
                        weights[i] = Math.exp(Math.min(700, Math.log(scale) * random.nextGaussian()));
                    }
                    scores = simplex(weights);
                }
            }
            case BINARY_PROBABILITY, MULTILABEL_PROBABILITIES -> {
                float[] edges = {0.0f, 1.0f, Float.MIN_VALUE, Math.nextDown(1.0f), 1e-30f};
                for (int i = 0; i < classes; i++) {
                    scores[i] = random.nextInt(4) == 0 ? edges[random.nextInt(edges.length)] : (float) random.nextDouble();
                }
            }
        }
        return scores;
    }

    /** A normal variate times {@code scale}, clamped to the finite floats. */
    private float randomLogit(float scale) {
        return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, scale * random.nextGaussian()));
    }

    private void setRandomTarget(OutputType type, int classes) {
        switch (type) {
            case BINARY_LOGIT, BINARY_PROBABILITY -> target.setClassIndex(random.nextInt(2));
            case MULTILABEL_LOGITS, MULTILABEL_PROBABILITIES -> {
                int[] positives = random.ints(random.nextInt(classes + 1), 0, classes).sorted().distinct().toArray();
                target.setPositives(positives, positives.length);
            }
            default -> {
                if (random.nextBoolean()) {
                    target.setClassIndex(random.nextInt(classes));
                } else {
                    float[] distribution = simplex(random.doubles(classes, 1e-3, 1.0).toArray());
                    target.setDistribution(distribution, classes);
                }
            }
        }
    }

    /** The weights divided by their sum, rounded to float: a probability vector within float rounding. */
    private static float[] simplex(double[] weights) {
        double total = Arrays.stream(weights).sum();
        float[] probabilities = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            probabilities[i] = (float) (weights[i] / total);
        }
        return probabilities;
    }

    private LogBase randomLogBase() {
        return LogBase.values()[random.nextInt(LogBase.values().length)];
    }

    private static String describe(float[] scores) {
        return scores.length <= 8 ? Arrays.toString(scores) : scores.length + " scores";
    }
}
