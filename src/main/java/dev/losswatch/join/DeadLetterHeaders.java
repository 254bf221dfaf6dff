package dev.losswatch.join;

/**
 * Headers of a record the join hands over for the dead-letter topic. Values are UTF-8 text; partition and
 * offset are decimal numbers.
 */
public final class DeadLetterHeaders {
    /** A {@link dev.losswatch.events.DlqReason} name. */
    public static final String REASON = "losswatch.dlq.reason";
    /** One sentence saying what was wrong. */
    public static final String DETAIL = "losswatch.dlq.detail";
    /** Topic, partition and offset the record was read from. */
    public static final String SOURCE_TOPIC = "losswatch.source.topic";
    public static final String SOURCE_PARTITION = "losswatch.source.partition";
    public static final String SOURCE_OFFSET = "losswatch.source.offset";

    private DeadLetterHeaders() {
    }
}
