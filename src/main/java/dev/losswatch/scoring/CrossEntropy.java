package dev.losswatch.scoring;

import static dev.losswatch.scoring.InvalidKind.BINARY_CLASS_NOT_0_OR_1;
import static dev.losswatch.scoring.InvalidKind.BINARY_NEEDS_ONE_SCORE;
import static dev.losswatch.scoring.InvalidKind.CLASS_INDEX_OUT_OF_RANGE;
import static dev.losswatch.scoring.InvalidKind.DISTRIBUTION_LENGTH;
import static dev.losswatch.scoring.InvalidKind.DISTRIBUTION_NEGATIVE;
import static dev.losswatch.scoring.InvalidKind.DISTRIBUTION_NOT_FINITE;
import static dev.losswatch.scoring.InvalidKind.DISTRIBUTION_SUM;
import static dev.losswatch.scoring.InvalidKind.EMPTY_SCORES;
import static dev.losswatch.scoring.InvalidKind.EPSILON_OUT_OF_RANGE;
import static dev.losswatch.scoring.InvalidKind.LABEL_SMOOTHING_OUT_OF_RANGE;
import static dev.losswatch.scoring.InvalidKind.NON_FINITE_SCORE;
import static dev.losswatch.scoring.InvalidKind.NO_TARGET;
import static dev.losswatch.scoring.InvalidKind.POSITIVE_OUT_OF_RANGE;
import static dev.losswatch.scoring.InvalidKind.PROBABILITIES_DO_NOT_SUM_TO_ONE;
import static dev.losswatch.scoring.InvalidKind.PROBABILITY_OUT_OF_RANGE;
import static dev.losswatch.scoring.InvalidKind.TARGET_KIND_MISMATCH;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.OutputType;
import java.util.Locale;
import java.util.Objects;

/**
 * Per-event cross-entropy, exact to float64: the semantics of {@code shared/conformance/README.md}.
 *
 * <p>Every loss is assembled from non-negative terms, so no digit is lost to cancellation, and the one
 * logarithm of a sum near 1 goes through {@code log1p} of the part beyond 1: a confidently right event
 * keeps a loss of 1e-200 to full relative precision instead of rounding to 0. No positive number is ever
 * exponentiated, so no finite input overflows. Nothing is allocated unless the event is invalid.
 */
public final class CrossEntropy {
    /** How far the probabilities of a {@code PROBABILITIES} output or a distribution may sum from 1. */
    public static final double PROBABILITY_SUM_TOLERANCE = 3e-4;

    private static final double LN_2 = Math.log(2.0);
    private static final double LN_10 = Math.log(10.0);

    private CrossEntropy() {
    }

    /**
     * Scores one event into {@code out}: the scores {@code scores[0..length)} of a prediction of the given
     * type against the target. Bad input gives an invalid result naming the rule, field, index and value;
     * a valid result has a finite, non-negative loss.
     *
     * @return {@code out.valid()}
     * @throws IndexOutOfBoundsException if {@code length} exceeds the array: a caller's bug, not bad data
     */
    public static boolean score(OutputType type, float[] scores, int length, Target target,
            ScoringSettings settings, ScoreResult out) {
        Objects.checkFromToIndex(0, length, scores.length);
        if (!checkScores(type, scores, length, out) || !checkSettings(settings, out)
                || !checkTarget(type, length, target, out)) {
            return false;
        }
        LogBase base = settings.logBase();
        double epsilon = settings.epsilon();
        return switch (type) {
            case LOGITS -> scoreLogits(scores, length, target, settings.labelSmoothing(), base, out);
            case PROBABILITIES -> scoreProbabilities(scores, length, target, settings.labelSmoothing(), epsilon,
                    base, out);
            case BINARY_LOGIT, BINARY_PROBABILITY -> scoreBinary(type == OutputType.BINARY_LOGIT, scores[0],
                    target.classIndex() == 1, epsilon, base, out);
            case MULTILABEL_LOGITS, MULTILABEL_PROBABILITIES -> scoreMultiLabel(
                    type == OutputType.MULTILABEL_LOGITS, scores, length, target.positives(), target.length(),
                    epsilon, base, out);
        };
    }

    /**
     * Checks the rules a prediction's scores must meet on their own: not empty, finite, one score for
     * {@code BINARY_*}, probabilities in [0, 1] and, for {@code PROBABILITIES}, summing to 1.
     * {@code out} is written only when a rule is broken.
     *
     * @return true when the scores break no rule
     */
    public static boolean checkScores(OutputType type, float[] scores, int length, ScoreResult out) {
        if (length == 0) {
            return out.setInvalid(EMPTY_SCORES, "scores is empty: a " + type + " prediction needs at least one");
        }
        if (isBinary(type) && length != 1) {
            return out.setInvalid(BINARY_NEEDS_ONE_SCORE,
                    "a " + type + " prediction takes exactly one score, got " + length);
        }
        boolean probabilities = type == OutputType.PROBABILITIES || type == OutputType.BINARY_PROBABILITY
                || type == OutputType.MULTILABEL_PROBABILITIES;
        for (int i = 0; i < length; i++) {
            float v = scores[i];
            if (!Float.isFinite(v)) {
                return out.setInvalid(NON_FINITE_SCORE, "scores[" + i + "] is " + v);
            }
            if (probabilities && (v < 0.0f || v > 1.0f)) {
                return out.setInvalid(PROBABILITY_OUT_OF_RANGE,
                        "scores[" + i + "] = " + v + " is not a probability in [0, 1] (" + type + ")");
            }
        }
        if (type == OutputType.PROBABILITIES) {
            double sum = sum(scores, length);
            if (Math.abs(sum - 1.0) > PROBABILITY_SUM_TOLERANCE) {
                return out.setInvalid(PROBABILITIES_DO_NOT_SUM_TO_ONE, String.format(Locale.ROOT,
                        "scores (PROBABILITIES) sum to %.7g, more than %.1g from 1", sum, PROBABILITY_SUM_TOLERANCE));
            }
        }
        return true;
    }

    /**
     * Checks the rules a soft target must meet on its own: entries finite and non-negative, summing to 1.
     * {@code out} is written only when a rule is broken.
     *
     * @return true when the distribution breaks no rule
     */
    public static boolean checkDistribution(float[] values, int length, ScoreResult out) {
        for (int i = 0; i < length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                return out.setInvalid(DISTRIBUTION_NOT_FINITE, "distribution[" + i + "] is " + v);
            }
            if (v < 0.0f) {
                return out.setInvalid(DISTRIBUTION_NEGATIVE, "distribution[" + i + "] = " + v + " is negative");
            }
        }
        double sum = sum(values, length);
        if (Math.abs(sum - 1.0) > PROBABILITY_SUM_TOLERANCE) {
            return out.setInvalid(DISTRIBUTION_SUM, String.format(Locale.ROOT,
                    "distribution sums to %.7g, more than %.1g from 1", sum, PROBABILITY_SUM_TOLERANCE));
        }
        return true;
    }

    static boolean checkSettings(ScoringSettings settings, ScoreResult out) {
        if (!settings.labelSmoothingInRange()) {
            return out.setInvalid(LABEL_SMOOTHING_OUT_OF_RANGE,
                    "labelSmoothing " + settings.labelSmoothing() + " is outside [0, 1)");
        }
        if (!settings.epsilonInRange()) {
            return out.setInvalid(EPSILON_OUT_OF_RANGE, "epsilon " + settings.epsilon() + " is outside (0, 1)");
        }
        return true;
    }

    private static boolean checkTarget(OutputType type, int classes, Target target, ScoreResult out) {
        return switch (target.kind()) {
            case NONE -> out.setInvalid(NO_TARGET,
                    "the label has no target: none of classIndex, className, distribution, positives is set");
            case CLASS_INDEX -> checkClassIndex(type, classes, target.classIndex(), out);
            case DISTRIBUTION -> checkDistributionTarget(type, classes, target, out);
            case POSITIVES -> checkPositives(type, classes, target.positives(), target.length(), out);
        };
    }

    private static boolean checkClassIndex(OutputType type, int classes, int classIndex, ScoreResult out) {
        if (isMultiLabel(type)) {
            return kindMismatch("a class index", type, out);
        }
        if (isBinary(type)) {
            return classIndex == 0 || classIndex == 1 || out.setInvalid(BINARY_CLASS_NOT_0_OR_1,
                    "classIndex " + classIndex + " is neither 0 nor 1, the classes of a " + type + " prediction");
        }
        return (classIndex >= 0 && classIndex < classes) || out.setInvalid(CLASS_INDEX_OUT_OF_RANGE,
                "classIndex " + classIndex + " is out of range for " + classes + " classes");
    }

    private static boolean checkDistributionTarget(OutputType type, int classes, Target target, ScoreResult out) {
        if (type != OutputType.LOGITS && type != OutputType.PROBABILITIES) {
            return kindMismatch("a distribution", type, out);
        }
        if (target.length() != classes) {
            return out.setInvalid(DISTRIBUTION_LENGTH, "distribution has " + target.length()
                    + " entries but the prediction has " + classes + " scores");
        }
        return checkDistribution(target.distribution(), classes, out);
    }

    private static boolean checkPositives(OutputType type, int classes, int[] positives, int count,
            ScoreResult out) {
        if (!isMultiLabel(type)) {
            return kindMismatch("a positives", type, out);
        }
        for (int i = 0; i < count; i++) {
            if (positives[i] < 0 || positives[i] >= classes) {
                return out.setInvalid(POSITIVE_OUT_OF_RANGE,
                        "positives[" + i + "] = " + positives[i] + " is out of range for " + classes + " classes");
            }
        }
        return true;
    }

    private static boolean kindMismatch(String targetKind, OutputType type, ScoreResult out) {
        String accepted = isMultiLabel(type) ? "positives"
                : isBinary(type) ? "a class (classIndex or className) 0 or 1"
                : "a class (classIndex or className) or a distribution";
        return out.setInvalid(TARGET_KIND_MISMATCH,
                targetKind + " target does not fit a " + type + " prediction, which takes " + accepted);
    }

    /**
     * With m the largest logit and g_i = m - x_i >= 0, logsumexp(x) - x_i = g_i + log1p(rest), where rest
     * is the sum of exp(-g_i) over every class but the argmax. The smoothed target's loss
     * (1 - s)(L + g_k) + (s / C) sum_i (L + g_i) is then the sum of the non-negative terms
     * L + (1 - s) g_k + s mean(g), with L = log1p(rest).
     */
    private static boolean scoreLogits(float[] logits, int classes, Target target, double smoothing,
            LogBase base, ScoreResult out) {
        int top = argmax(logits, classes);
        double max = logits[top];
        double rest = 0.0;
        for (int i = 0; i < top; i++) {
            rest += Math.exp(logits[i] - max);
        }
        for (int i = top + 1; i < classes; i++) {
            rest += Math.exp(logits[i] - max);
        }
        double logDenominator = Math.log1p(rest);

        double loss;
        int trueClass;
        double appliedSmoothing;
        if (target.kind() == Target.Kind.CLASS_INDEX) {
            trueClass = target.classIndex();
            appliedSmoothing = smoothing;
            loss = logDenominator + (1.0 - smoothing) * (max - logits[trueClass]);
            if (smoothing > 0.0) {
                double gapSum = 0.0;
                for (int i = 0; i < classes; i++) {
                    gapSum += max - logits[i];
                }
                loss += smoothing * (gapSum / classes);
            }
        } else {
            float[] t = target.distribution();
            trueClass = argmax(t, classes);
            appliedSmoothing = 0.0;
            double mass = 0.0;
            double weightedGap = 0.0;
            for (int i = 0; i < classes; i++) {
                mass += t[i];
                weightedGap += t[i] * (max - logits[i]);
            }
            loss = mass * logDenominator + weightedGap;
        }
        double denominator = 1.0 + rest;
        return out.setValid(inBase(loss, base), top, trueClass, top == trueClass, 1.0 / denominator,
                Math.exp(logits[trueClass] - max) / denominator, appliedSmoothing);
    }

    private static boolean scoreProbabilities(float[] p, int classes, Target target, double smoothing,
            double epsilon, LogBase base, ScoreResult out) {
        double loss = 0.0;
        int trueClass;
        double appliedSmoothing;
        if (target.kind() == Target.Kind.CLASS_INDEX) {
            trueClass = target.classIndex();
            appliedSmoothing = smoothing;
            loss = (1.0 - smoothing) * negativeLog(p[trueClass], epsilon);
            if (smoothing > 0.0) {
                double negativeLogSum = 0.0;
                for (int i = 0; i < classes; i++) {
                    negativeLogSum += negativeLog(p[i], epsilon);
                }
                loss += smoothing * (negativeLogSum / classes);
            }
        } else {
            float[] t = target.distribution();
            trueClass = argmax(t, classes);
            appliedSmoothing = 0.0;
            for (int i = 0; i < classes; i++) {
                if (t[i] != 0.0f) {
                    loss += t[i] * negativeLog(p[i], epsilon);
                }
            }
        }
        int top = argmax(p, classes);
        return out.setValid(inBase(loss, base), top, trueClass, top == trueClass, p[top], p[trueClass],
                appliedSmoothing);
    }

    private static boolean scoreBinary(boolean logit, float score, boolean positive, double epsilon,
            LogBase base, ScoreResult out) {
        boolean predictedPositive = predictsPositive(logit, score);
        return out.setValid(inBase(binaryLoss(logit, score, positive, epsilon), base), predictedPositive ? 1 : 0,
                positive ? 1 : 0, predictedPositive == positive, probabilityOf(logit, score, predictedPositive),
                probabilityOf(logit, score, positive), 0.0);
    }

    /**
     * Mean over classes of the binary loss. Positives are looked up by walking them alongside the classes
     * when they ascend (as labels usually list them), else by a scan, so that no set has to be built.
     */
    private static boolean scoreMultiLabel(boolean logit, float[] scores, int classes, int[] positives,
            int positiveCount, double epsilon, LogBase base, ScoreResult out) {
        boolean ascending = isNonDecreasing(positives, positiveCount);
        int cursor = 0;
        double lossSum = 0.0;
        double confidenceSum = 0.0;
        double trueProbabilitySum = 0.0;
        boolean allCorrect = true;
        for (int j = 0; j < classes; j++) {
            boolean positive;
            if (ascending) {
                while (cursor < positiveCount && positives[cursor] < j) {
                    cursor++;
                }
                positive = cursor < positiveCount && positives[cursor] == j;
            } else {
                positive = contains(positives, positiveCount, j);
            }
            float score = scores[j];
            boolean predictedPositive = predictsPositive(logit, score);
            lossSum += binaryLoss(logit, score, positive, epsilon);
            confidenceSum += probabilityOf(logit, score, predictedPositive);
            trueProbabilitySum += probabilityOf(logit, score, positive);
            allCorrect &= predictedPositive == positive;
        }
        return out.setValid(inBase(lossSum / classes, base), argmax(scores, classes), -1, allCorrect,
                confidenceSum / classes, trueProbabilitySum / classes, 0.0);
    }

    /**
     * max(x, 0) - x y + log1p(exp(-|x|)) for a logit, which is softplus(x) for y = 0 and softplus(-x) for
     * y = 1; -ln clip(p) or -ln clip(1 - p) for a probability, with ln(1 - p) taken as log1p(-p).
     */
    private static double binaryLoss(boolean logit, float score, boolean positive, double epsilon) {
        if (logit) {
            double z = positive ? -score : score;
            return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
        }
        if (positive) {
            return negativeLog(score, epsilon);
        }
        return 1.0 - score < epsilon ? 0.0 - Math.log(epsilon) : 0.0 - Math.log1p(-score);
    }

    /** -ln clip(p) for p in [0, 1]; written 0 - ln so that p = 1 gives +0.0 rather than -0.0. */
    private static double negativeLog(float p, double epsilon) {
        return 0.0 - Math.log(Math.max(p, epsilon));
    }

    private static boolean predictsPositive(boolean logit, float score) {
        return logit ? score >= 0.0f : score >= 0.5f;
    }

    /** The probability a binary output gives to the value {@code positive}. */
    private static double probabilityOf(boolean logit, float score, boolean positive) {
        if (logit) {
            return sigmoid(positive ? score : -score);
        }
        return positive ? score : 1.0 - score;
    }

    /** The logistic function, exponentiating only non-positive numbers. */
    private static double sigmoid(double z) {
        if (z >= 0.0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    private static double inBase(double nats, LogBase base) {
        return switch (base) {
            case E -> nats;
            case TWO -> nats / LN_2;
            case TEN -> nats / LN_10;
        };
    }

    /** The first index of the largest value. */
    private static int argmax(float[] values, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double sum(float[] values, int length) {
        double sum = 0.0;
        for (int i = 0; i < length; i++) {
            sum += values[i];
        }
        return sum;
    }

    private static boolean isNonDecreasing(int[] values, int length) {
        for (int i = 1; i < length; i++) {
            if (values[i] < values[i - 1]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(int[] values, int length, int wanted) {
        for (int i = 0; i < length; i++) {
            if (values[i] == wanted) {
                return true;
            }
        }
        return false;
    }

    static boolean isBinary(OutputType type) {
        return type == OutputType.BINARY_LOGIT || type == OutputType.BINARY_PROBABILITY;
    }

    private static boolean isMultiLabel(OutputType type) {
        return type == OutputType.MULTILABEL_LOGITS || type == OutputType.MULTILABEL_PROBABILITIES;
    }
}
