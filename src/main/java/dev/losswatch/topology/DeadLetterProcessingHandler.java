package dev.losswatch.topology;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the source record of any exception thrown while processing to the dead-letter topic and carries on.
 * A processor rejects a record on purpose by throwing {@link InvalidEventException} with its reason; anything
 * else is a losswatch bug, which still must not stop the app or lose the record: it is logged and dead-lettered
 * as {@link DlqReason#PROCESSING_ERROR}.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfigs(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        DlqReason reason;
        if (exception instanceof InvalidEventException) {
            reason = ((InvalidEventException) exception).reason();
        } else {
            reason = DlqReason.PROCESSING_ERROR;
            LOG.error("Unexpected error in processor {} on {}-{} offset {}; the record goes to the dead-letter topic",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception);
        }
        String detail = exception.getMessage() == null ? exception.getClass().getName() : exception.getMessage();
        return Response.resume(List.of(
                deadLetters.deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), reason, detail)));
    }
}
