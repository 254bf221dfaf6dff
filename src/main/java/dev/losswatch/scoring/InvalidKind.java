package dev.losswatch.scoring;

import dev.losswatch.events.DlqReason;

/**
 * Every rule an event can break, one constant per rule, so that rejections can be counted by a bounded
 * label set. Each names the dead-letter reason it is filed under: the prediction alone is bad, the label
 * alone is bad, or the two do not fit together.
 */
public enum InvalidKind {
    /** The prediction has no scores. */
    EMPTY_SCORES(DlqReason.INVALID_PREDICTION),
    /** A score is NaN or infinite. */
    NON_FINITE_SCORE(DlqReason.INVALID_PREDICTION),
    /** More scores than the configured maximum number of classes. */
    TOO_MANY_CLASSES(DlqReason.INVALID_PREDICTION),
    /** A probability output has a value outside [0, 1]. */
    PROBABILITY_OUT_OF_RANGE(DlqReason.INVALID_PREDICTION),
    /** A {@code PROBABILITIES} output does not sum to 1 within {@link CrossEntropy#PROBABILITY_SUM_TOLERANCE}. */
    PROBABILITIES_DO_NOT_SUM_TO_ONE(DlqReason.INVALID_PREDICTION),
    /** A {@code BINARY_*} output without exactly one score. */
    BINARY_NEEDS_ONE_SCORE(DlqReason.INVALID_PREDICTION),
    /** The prediction lists class names, but not one per class. */
    CLASS_NAMES_LENGTH(DlqReason.INVALID_PREDICTION),

    /** The label sets none of its target fields. */
    NO_TARGET(DlqReason.INVALID_LABEL),
    /** The label sets two or more of its target fields. */
    MULTIPLE_TARGETS(DlqReason.INVALID_LABEL),
    /** The label's weight is NaN, infinite or negative. */
    INVALID_WEIGHT(DlqReason.INVALID_LABEL),
    /** A distribution or positives list longer than the configured maximum number of classes. */
    TARGET_TOO_LONG(DlqReason.INVALID_LABEL),
    /** A distribution entry is NaN or infinite. */
    DISTRIBUTION_NOT_FINITE(DlqReason.INVALID_LABEL),
    /** A distribution entry is negative. */
    DISTRIBUTION_NEGATIVE(DlqReason.INVALID_LABEL),
    /** A distribution does not sum to 1 within {@link CrossEntropy#PROBABILITY_SUM_TOLERANCE}. */
    DISTRIBUTION_SUM(DlqReason.INVALID_LABEL),

    /** The class index is negative or not below the number of classes. */
    CLASS_INDEX_OUT_OF_RANGE(DlqReason.LABEL_DOES_NOT_FIT),
    /** A {@code BINARY_*} prediction labelled with a class other than 0 or 1. */
    BINARY_CLASS_NOT_0_OR_1(DlqReason.LABEL_DOES_NOT_FIT),
    /** The distribution has a different length than the scores. */
    DISTRIBUTION_LENGTH(DlqReason.LABEL_DOES_NOT_FIT),
    /** A multi-label positive index is negative or not below the number of classes. */
    POSITIVE_OUT_OF_RANGE(DlqReason.LABEL_DOES_NOT_FIT),
    /** The label's class name is not among the prediction's class names. */
    UNKNOWN_CLASS_NAME(DlqReason.LABEL_DOES_NOT_FIT),
    /** The kind of target does not apply to the output type (e.g. positives for {@code LOGITS}). */
    TARGET_KIND_MISMATCH(DlqReason.LABEL_DOES_NOT_FIT),

    /**
     * The label smoothing setting is outside [0, 1). A configuration fault, not an event fault: the runtime
     * checks its settings at start-up ({@link ScoringSettings#requireValid()}) so that no event meets it.
     */
    LABEL_SMOOTHING_OUT_OF_RANGE(DlqReason.PROCESSING_ERROR),
    /** The epsilon setting is outside (0, 1); a configuration fault like {@link #LABEL_SMOOTHING_OUT_OF_RANGE}. */
    EPSILON_OUT_OF_RANGE(DlqReason.PROCESSING_ERROR);

    private final DlqReason dlqReason;

    InvalidKind(DlqReason dlqReason) {
        this.dlqReason = dlqReason;
    }

    /** The dead-letter reason an event rejected for this rule is filed under. */
    public DlqReason dlqReason() {
        return dlqReason;
    }
}
