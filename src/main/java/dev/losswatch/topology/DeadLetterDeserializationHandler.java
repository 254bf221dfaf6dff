package dev.losswatch.topology;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.registry.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every input record that cannot be decoded to the dead-letter topic, byte for byte, with the reason,
 * and carries on. The deserializers say which reason applies by throwing (or wrapping) an
 * {@link InvalidEventException}; any other failure to decode counts as {@link DlqReason#UNDECODABLE}.
 * A registry that cannot be reached says nothing about the record, so that fails the task instead (it is
 * retried once the stream thread is replaced) rather than dead-lettering good records during an outage.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfigs(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        DlqReason reason = DlqReason.UNDECODABLE;
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidEventException) {
                reason = ((InvalidEventException) cause).reason();
                break;
            }
            if (cause instanceof SchemaRegistryException) {
                LOG.error("Schema registry failed while decoding {}-{} offset {}: {}", context.topic(),
                        context.partition(), context.offset(), cause.getMessage());
                return Response.fail();
            }
        }
        String detail = exception.getMessage() == null ? exception.getClass().getName() : exception.getMessage();
        return Response.resume(List.of(deadLetters.deadLetter(context, record.key(), record.value(), reason, detail)));
    }
}
