package dev.losswatch.events;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a record on the dead-letter topic: the reason, a sentence of detail and where the record
 * came from. The record keeps its original key, value and headers beside them.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "losswatch.dlq.reason";
    public static final String DETAIL = "losswatch.dlq.detail";
    public static final String SOURCE_TOPIC = "losswatch.source.topic";
    public static final String SOURCE_PARTITION = "losswatch.source.partition";
    public static final String SOURCE_OFFSET = "losswatch.source.offset";

    private DeadLetterHeaders() {
    }

    /** Sets the dead-letter headers on {@code headers} (replacing earlier ones) and returns it. */
    public static Headers add(Headers headers, DlqReason reason, String detail, String sourceTopic,
                              int sourcePartition, long sourceOffset) {
        headers.remove(REASON).remove(DETAIL).remove(SOURCE_TOPIC).remove(SOURCE_PARTITION).remove(SOURCE_OFFSET);
        headers.add(REASON, utf8(reason.name()));
        headers.add(DETAIL, utf8(detail == null ? "" : detail));
        if (sourceTopic != null) {
            headers.add(SOURCE_TOPIC, utf8(sourceTopic));
            headers.add(SOURCE_PARTITION, utf8(Integer.toString(sourcePartition)));
            headers.add(SOURCE_OFFSET, utf8(Long.toString(sourceOffset)));
        }
        return headers;
    }

    /** A header's text, or null when the record does not carry it. */
    public static String read(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
