package dev.losswatch.scoring;

import static dev.losswatch.scoring.InvalidKind.CLASS_NAMES_LENGTH;
import static dev.losswatch.scoring.InvalidKind.INVALID_WEIGHT;
import static dev.losswatch.scoring.InvalidKind.MULTIPLE_TARGETS;
import static dev.losswatch.scoring.InvalidKind.NO_TARGET;
import static dev.losswatch.scoring.InvalidKind.TARGET_TOO_LONG;
import static dev.losswatch.scoring.InvalidKind.TOO_MANY_CLASSES;
import static dev.losswatch.scoring.InvalidKind.UNKNOWN_CLASS_NAME;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import java.util.List;
import java.util.StringJoiner;

/**
 * Scores Avro prediction and label events with {@link CrossEntropy}. Copies the events' lists into
 * primitive buffers that it keeps and grows, so scoring allocates nothing once the buffers are large
 * enough: not thread-safe, use one per stream thread or processor.
 *
 * <p>A {@code null} list element, which no decoded Avro record has but a hand-built one may, is rejected
 * like a bad value: it reads as NaN in scores and distributions, and as the out-of-range class -1 in positives.
 */
public final class EventScorer {
    /** The default of {@code input.max-classes}. */
    public static final int DEFAULT_MAX_CLASSES = 1_000_000;

    private static final int INITIAL_CAPACITY = 64;

    private final int maxClasses;
    private final Target target = new Target();
    private float[] scores = new float[INITIAL_CAPACITY];
    private int scoreCount;
    private float[] distribution = new float[INITIAL_CAPACITY];
    private int[] positives = new int[INITIAL_CAPACITY];

    /** @param maxClasses most scores a prediction may have ({@code input.max-classes}) */
    public EventScorer(int maxClasses) {
        if (maxClasses < 1) {
            throw new IllegalArgumentException("input.max-classes must be at least 1, got " + maxClasses);
        }
        this.maxClasses = maxClasses;
    }

    /**
     * Checks the rules a prediction breaks on its own: empty, non-finite or too many scores, probabilities
     * out of range or not summing to 1, not exactly one score for {@code BINARY_*}, class names that do not
     * name every class. {@code out} is written only when a rule is broken.
     *
     * @return true when the prediction breaks no rule
     */
    public boolean checkPrediction(Prediction prediction, ScoreResult out) {
        return loadScores(prediction, out)
                && CrossEntropy.checkScores(prediction.getOutputType(), scores, scoreCount, out)
                && checkClassNames(prediction, out);
    }

    /**
     * Checks the rules a label breaks on its own: no target or two or more of classIndex, className,
     * distribution, positives; a weight that is not a finite number {@code >= 0}; a distribution or positives
     * list longer than the maximum number of classes; distribution entries that are not finite, negative or
     * do not sum to 1. {@code out} is written only when a rule is broken.
     *
     * @return true when the label breaks no rule
     */
    public boolean checkLabel(Label label, ScoreResult out) {
        if (!checkLabelFields(label, out)) {
            return false;
        }
        List<Float> values = label.getDistribution();
        if (values == null) {
            return true;
        }
        int length = loadDistribution(values); // may replace the buffer, so it is read only after this
        return CrossEntropy.checkDistribution(distribution, length, out);
    }

    /**
     * Scores a prediction against its label, resolving a className against the prediction's classNames.
     *
     * @return {@code out.valid()}
     */
    public boolean score(Prediction prediction, Label label, ScoringSettings settings, ScoreResult out) {
        return loadScores(prediction, out)
                && checkClassNames(prediction, out)
                && checkLabelFields(label, out)
                && loadTarget(prediction, label, out)
                && CrossEntropy.score(prediction.getOutputType(), scores, scoreCount, target, settings, out);
    }

    /**
     * The record published for a valid result; class names are filled in when the prediction lists them.
     *
     * @throws IllegalArgumentException if the result is not valid
     */
    public static ScoredPrediction toScoredPrediction(Prediction prediction, Label label, ScoreResult result,
            ScoringSettings settings) {
        if (!result.valid()) {
            throw new IllegalArgumentException("an invalid result has no scored prediction: " + result);
        }
        List<String> names = prediction.getClassNames();
        int trueClass = result.trueClass();
        boolean hasTrueClass = trueClass >= 0;
        return ScoredPrediction.newBuilder()
                .setPredictionId(prediction.getPredictionId())
                .setModelId(prediction.getModelId())
                .setModelVersion(prediction.getModelVersion())
                .setPredictionTimestamp(prediction.getTimestamp())
                .setLabelTimestamp(label.getTimestamp())
                .setOutputType(prediction.getOutputType())
                .setLoss(result.loss())
                .setLogBase(settings.logBase())
                .setPredictedClass(result.predictedClass())
                .setPredictedClassName(nameOf(names, result.predictedClass()))
                .setTrueClass(hasTrueClass ? trueClass : null)
                .setTrueClassName(hasTrueClass ? nameOf(names, trueClass) : null)
                .setCorrect(result.correct())
                .setConfidence(result.confidence())
                .setTrueClassProbability(result.trueClassProbability())
                .setWeight(label.getWeight())
                .setLabelSmoothing(result.appliedLabelSmoothing())
                .setAttributes(prediction.getAttributes())
                .build();
    }

    private boolean loadScores(Prediction prediction, ScoreResult out) {
        List<Float> values = prediction.getScores();
        int count = values.size();
        if (count > maxClasses) {
            return out.setInvalid(TOO_MANY_CLASSES, "scores has " + count + " entries, more than the "
                    + maxClasses + " classes allowed (input.max-classes)");
        }
        if (scores.length < count) {
            scores = new float[grownCapacity(scores.length, count)];
        }
        copyFloats(values, scores);
        scoreCount = count;
        return true;
    }

    /** Class names, when listed, name every class: one per score, or negative then positive for BINARY_*. */
    private boolean checkClassNames(Prediction prediction, ScoreResult out) {
        int names = prediction.getClassNames().size();
        boolean binary = CrossEntropy.isBinary(prediction.getOutputType());
        int classes = binary ? 2 : scoreCount;
        if (names == 0 || names == classes) {
            return true;
        }
        return out.setInvalid(CLASS_NAMES_LENGTH, "classNames has " + names + " entries but the "
                + prediction.getOutputType() + " prediction has " + classes + " classes"
                + (binary ? " (name the negative class, then the positive one)" : ""));
    }

    private boolean checkLabelFields(Label label, ScoreResult out) {
        int targets = (label.getClassIndex() != null ? 1 : 0) + (label.getClassName() != null ? 1 : 0)
                + (label.getDistribution() != null ? 1 : 0) + (label.getPositives() != null ? 1 : 0);
        if (targets == 0) {
            return out.setInvalid(NO_TARGET,
                    "the label has no target: none of classIndex, className, distribution, positives is set");
        }
        if (targets > 1) {
            return out.setInvalid(MULTIPLE_TARGETS,
                    "the label sets " + setTargetFields(label) + "; exactly one target is allowed");
        }
        double weight = label.getWeight();
        if (!(Double.isFinite(weight) && weight >= 0.0)) {
            return out.setInvalid(INVALID_WEIGHT, "weight " + weight + " is not a finite number >= 0");
        }
        if (label.getDistribution() != null && label.getDistribution().size() > maxClasses) {
            return targetTooLong("distribution", label.getDistribution().size(), out);
        }
        if (label.getPositives() != null && label.getPositives().size() > maxClasses) {
            return targetTooLong("positives", label.getPositives().size(), out);
        }
        return true;
    }

    private boolean targetTooLong(String field, int entries, ScoreResult out) {
        return out.setInvalid(TARGET_TOO_LONG, field + " has " + entries + " entries, more than the "
                + maxClasses + " classes allowed (input.max-classes)");
    }

    private static String setTargetFields(Label label) {
        StringJoiner fields = new StringJoiner(", ");
        if (label.getClassIndex() != null) {
            fields.add("classIndex");
        }
        if (label.getClassName() != null) {
            fields.add("className");
        }
        if (label.getDistribution() != null) {
            fields.add("distribution");
        }
        if (label.getPositives() != null) {
            fields.add("positives");
        }
        return fields.toString();
    }

    /** Points {@link #target} at the label's one target, held in this scorer's buffers. */
    private boolean loadTarget(Prediction prediction, Label label, ScoreResult out) {
        if (label.getClassIndex() != null) {
            target.setClassIndex(label.getClassIndex());
        } else if (label.getClassName() != null) {
            int classIndex = indexOf(prediction.getClassNames(), label.getClassName());
            if (classIndex < 0) {
                return out.setInvalid(UNKNOWN_CLASS_NAME, "className \"" + label.getClassName()
                        + "\" is not among the prediction's " + prediction.getClassNames().size() + " classNames");
            }
            target.setClassIndex(classIndex);
        } else if (label.getDistribution() != null) {
            int length = loadDistribution(label.getDistribution()); // may replace the buffer: read it after
            target.setDistribution(distribution, length);
        } else {
            int length = loadPositives(label.getPositives()); // may replace the buffer: read it after
            target.setPositives(positives, length);
        }
        return true;
    }

    private int loadDistribution(List<Float> values) {
        if (distribution.length < values.size()) {
            distribution = new float[grownCapacity(distribution.length, values.size())];
        }
        copyFloats(values, distribution);
        return values.size();
    }

    private int loadPositives(List<Integer> values) {
        int count = values.size();
        if (positives.length < count) {
            positives = new int[grownCapacity(positives.length, count)];
        }
        for (int i = 0; i < count; i++) {
            Integer value = values.get(i);
            positives[i] = value == null ? -1 : value;
        }
        return count;
    }

    /** Unboxes the Floats a decoded record already holds, so copying allocates nothing. */
    private static void copyFloats(List<Float> from, float[] to) {
        for (int i = 0, count = from.size(); i < count; i++) {
            Float value = from.get(i);
            to[i] = value == null ? Float.NaN : value;
        }
    }

    /** Doubling keeps the number of re-allocations logarithmic in the largest event seen. */
    private int grownCapacity(int current, int needed) {
        return (int) Math.min(maxClasses, Math.max(needed, 2L * current));
    }

    private static int indexOf(List<String> names, String wanted) {
        for (int i = 0, n = names.size(); i < n; i++) {
            if (wanted.equals(names.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String nameOf(List<String> names, int index) {
        return index < names.size() ? names.get(index) : null;
    }
}
