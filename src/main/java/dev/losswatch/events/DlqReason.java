package dev.losswatch.events;

/**
 * Why a record went to the dead-letter topic. A closed set, so that the per-reason metric has a
 * bounded label set; the free-text detail travels beside it in the record's headers.
 */
public enum DlqReason {
    /** The bytes are not a Confluent-framed Avro record we can decode (wrong magic byte, truncated, garbage). */
    UNDECODABLE,
    /** The record names a schema id the registry does not know. */
    UNKNOWN_SCHEMA_ID,
    /** A record of a schema that cannot be read as the expected event type. */
    WRONG_SCHEMA,
    /** A prediction that breaks a rule on its own: empty or non-finite scores, probabilities off, too many classes. */
    INVALID_PREDICTION,
    /** A label that breaks a rule on its own: no target, two targets, bad weight. */
    INVALID_LABEL,
    /** A label that cannot apply to its prediction: class out of range, wrong length, unknown class name. */
    LABEL_DOES_NOT_FIT,
    /** A label whose prediction did not arrive within join.label-wait. */
    ORPHAN_LABEL,
    /** A key or value that is missing where one is required. */
    MISSING_KEY_OR_VALUE,
    /** Anything else that failed while processing the record. */
    PROCESSING_ERROR
}
