package dev.losswatch.events;

/**
 * Thrown by a processor that rejects the record it is processing. Kafka Streams' processing exception
 * handler turns it into a dead-letter record carrying the original bytes, the reason and the detail.
 * The message must say what was wrong and where (field, index, value).
 */
public final class InvalidEventException extends RuntimeException {
    private final DlqReason reason;

    public InvalidEventException(DlqReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DlqReason reason() {
        return reason;
    }
}
