package dev.losswatch.scoring;

import dev.losswatch.events.InvalidEventException;

/**
 * The outcome of scoring one event: either the loss with its companions, or the rule the event broke.
 * Mutable and reused from event to event so that scoring allocates nothing. Reading a value the outcome
 * does not have (the loss of an invalid event, the reason of a valid one) throws, so an invalid event can
 * never be read as a loss of 0.
 */
public final class ScoreResult {
    private boolean valid;
    private InvalidKind invalidKind;
    private String invalidReason;
    private double loss;
    private int predictedClass;
    private int trueClass;
    private boolean correct;
    private double confidence;
    private double trueClassProbability;
    private double appliedLabelSmoothing;

    /** A fresh result holds no outcome yet, and counts as invalid until something is scored into it. */
    public ScoreResult() {
        invalidKind = null;
        invalidReason = "nothing has been scored into this result yet";
    }

    boolean setValid(double loss, int predictedClass, int trueClass, boolean correct, double confidence,
            double trueClassProbability, double appliedLabelSmoothing) {
        this.valid = true;
        this.invalidKind = null;
        this.invalidReason = null;
        this.loss = loss;
        this.predictedClass = predictedClass;
        this.trueClass = trueClass;
        this.correct = correct;
        this.confidence = confidence;
        this.trueClassProbability = trueClassProbability;
        this.appliedLabelSmoothing = appliedLabelSmoothing;
        return true;
    }

    /** Records the broken rule; returns false so that a check can end with {@code return out.setInvalid(..)}. */
    boolean setInvalid(InvalidKind kind, String reason) {
        this.valid = false;
        this.invalidKind = kind;
        this.invalidReason = reason;
        return false;
    }

    public boolean valid() {
        return valid;
    }

    /** The rule the event broke; null for a result nothing was scored into yet. */
    public InvalidKind invalidKind() {
        requireInvalid();
        return invalidKind;
    }

    /** What was wrong and where: the field, index and value. */
    public String invalidReason() {
        requireInvalid();
        return invalidReason;
    }

    /** The rejection as the exception a stream processor throws to send its record to the dead-letter topic. */
    public InvalidEventException toInvalidEventException() {
        requireInvalid();
        if (invalidKind == null) {
            throw new IllegalStateException(invalidReason);
        }
        return new InvalidEventException(invalidKind.dlqReason(), invalidReason);
    }

    /** Cross-entropy of the event in the settings' log base; finite and non-negative. */
    public double loss() {
        requireValid();
        return loss;
    }

    /** The argmax class; for {@code BINARY_*} 1 when the probability is at least 0.5, else 0. */
    public int predictedClass() {
        requireValid();
        return predictedClass;
    }

    /** The labelled class, the most probable class of a soft target, or -1 for a multi-label target. */
    public int trueClass() {
        requireValid();
        return trueClass;
    }

    /** Predicted class equals the true class; for multi-label, every class thresholded at 0.5 matches. */
    public boolean correct() {
        requireValid();
        return correct;
    }

    /** Probability of the predicted class; for multi-label, the mean over classes of max(p, 1 - p). */
    public double confidence() {
        requireValid();
        return confidence;
    }

    /**
     * Probability given to the true class; for multi-label, the mean over classes of the probability given
     * to each class's true value.
     */
    public double trueClassProbability() {
        requireValid();
        return trueClassProbability;
    }

    /** The label smoothing that was applied: the setting for a class index of LOGITS/PROBABILITIES, else 0. */
    public double appliedLabelSmoothing() {
        requireValid();
        return appliedLabelSmoothing;
    }

    private void requireValid() {
        if (!valid) {
            throw new IllegalStateException("no score: " + invalidReason);
        }
    }

    private void requireInvalid() {
        if (valid) {
            throw new IllegalStateException("the event is valid: " + this);
        }
    }

    @Override
    public String toString() {
        if (!valid) {
            return "ScoreResult[invalid " + invalidKind + ": " + invalidReason + "]";
        }
        return "ScoreResult[loss=" + loss + ", predictedClass=" + predictedClass + ", trueClass=" + trueClass
                + ", correct=" + correct + ", confidence=" + confidence + ", trueClassProbability="
                + trueClassProbability + ", appliedLabelSmoothing=" + appliedLabelSmoothing + "]";
    }
}
