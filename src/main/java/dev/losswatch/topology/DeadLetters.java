package dev.losswatch.topology;

import dev.losswatch.events.DeadLetterHeaders;
import dev.losswatch.events.DlqReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds the dead letters of Kafka Streams' exception handlers and counts every dead letter by reason. A dead
 * letter keeps the original key and value bytes and the original headers, and adds {@link DeadLetterHeaders}.
 */
public final class DeadLetters {
    /** Config key under which the application hands its MeterRegistry to the handlers Kafka Streams creates. */
    public static final String METER_REGISTRY_CONFIG = "losswatch.meter.registry";

    private final String topic;
    private final Map<DlqReason, Counter> counters = new EnumMap<>(DlqReason.class);

    private DeadLetters(String topic, MeterRegistry registry) {
        this.topic = topic;
        for (DlqReason reason : DlqReason.values()) {
            counters.put(reason, counter(registry, reason));
        }
    }

    /** The dead-letter count of one reason; Micrometer returns the same counter to every caller. */
    static Counter counter(MeterRegistry registry, DlqReason reason) {
        return Counter.builder("losswatch.dlq")
                .description("Records sent to the dead-letter topic, by reason")
                .tag("reason", reason.name())
                .register(registry);
    }

    /** Reads the dead-letter topic and meter registry from the configs Kafka Streams passes to a handler. */
    static DeadLetters fromConfigs(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " is not set: losswatch never drops a bad record silently, it needs a dead-letter topic");
        }
        Object registry = configs.get(METER_REGISTRY_CONFIG);
        return new DeadLetters(topic.toString(),
                registry instanceof MeterRegistry ? (MeterRegistry) registry : Metrics.globalRegistry);
    }

    ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value,
                                              DlqReason reason, String detail) {
        counters.get(reason).increment();
        Headers headers = new RecordHeaders(context.headers() == null ? new RecordHeaders() : context.headers());
        DeadLetterHeaders.add(headers, reason, detail, context.topic(), context.partition(), context.offset());
        return new ProducerRecord<>(topic, null, context.timestamp(), key, value, headers);
    }
}
