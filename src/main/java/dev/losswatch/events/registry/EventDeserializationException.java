package dev.losswatch.events.registry;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes can never be read as the expected event: retrying will not help, so the record
 * belongs in the dead-letter topic under {@link #reason()}. Its cause is an {@link InvalidEventException}
 * with that reason, which is what the dead-letter handlers look for; the low-level failure behind it, when
 * there is one, is attached as suppressed so that stack traces still show it.
 * <p>
 * Failures of the registry itself (unreachable, server errors) are not this exception: they are the
 * infrastructure's fault, and dead-lettering the record would lose good data.
 */
public final class EventDeserializationException extends SerializationException {
    public EventDeserializationException(DlqReason reason, String message) {
        super(message, new InvalidEventException(reason, message));
    }

    public EventDeserializationException(DlqReason reason, String message, Throwable failure) {
        this(reason, message);
        addSuppressed(failure);
    }

    /** {@link DlqReason#UNDECODABLE}, {@link DlqReason#UNKNOWN_SCHEMA_ID} or {@link DlqReason#WRONG_SCHEMA}. */
    public DlqReason reason() {
        return ((InvalidEventException) getCause()).reason();
    }
}
