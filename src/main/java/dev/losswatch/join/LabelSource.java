package dev.losswatch.join;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The topic, partition and offset a label was read from, for the dead-letter headers of an orphan. */
record LabelSource(String topic, int partition, long offset) {

    /** Empty when the label came from a punctuator upstream rather than from a topic. */
    static Optional<LabelSource> of(Optional<RecordMetadata> metadata) {
        return metadata.map(source -> new LabelSource(source.topic(), source.partition(), source.offset()));
    }
}
