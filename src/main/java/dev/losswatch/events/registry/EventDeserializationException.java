package dev.losswatch.events.registry;

import dev.losswatch.events.DlqReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes can never be read as the expected event: retrying will not help, so the record
 * belongs in the dead-letter topic under {@link #reason()}. Failures of the registry itself (unreachable,
 * server errors) are not this exception: they are the infrastructure's fault, and dead-lettering the
 * record would lose good data.
 */
public final class EventDeserializationException extends SerializationException {
    private final DlqReason reason;

    public EventDeserializationException(DlqReason reason, String message) {
        this(reason, message, null);
    }

    public EventDeserializationException(DlqReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@link DlqReason#UNDECODABLE}, {@link DlqReason#UNKNOWN_SCHEMA_ID} or {@link DlqReason#WRONG_SCHEMA}. */
    public DlqReason reason() {
        return reason;
    }
}
