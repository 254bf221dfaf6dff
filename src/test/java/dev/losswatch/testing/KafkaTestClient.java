package dev.losswatch.testing;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Produces and reads records for integration tests against one Kafka cluster. Every wait is bounded and a
 * failed wait says what was expected, where, and what arrived instead.
 */
public final class KafkaTestClient {
    /** Generous for a loaded 2-core machine; a healthy local broker answers in milliseconds. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int RECORDS_SHOWN_ON_FAILURE = 10;

    /** How {@link #produceInTransaction} ends its transaction. */
    public enum TransactionOutcome { COMMIT, ABORT }

    private final String bootstrapServers;

    public KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Sends the records with an idempotent producer (acks=all) and returns once all are acknowledged. */
    public <K, V> List<RecordMetadata> produce(Serializer<K> keySerializer, Serializer<V> valueSerializer,
                                               List<ProducerRecord<K, V>> records) {
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(producerConfig(), keySerializer, valueSerializer)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            records.forEach(record -> acks.add(producer.send(record)));
            producer.flush();
            return awaitAcks(records, acks);
        }
    }

    /** Sends the records in one transaction that is then committed or aborted, as {@code outcome} says. */
    public <K, V> void produceInTransaction(TransactionOutcome outcome, Serializer<K> keySerializer,
                                            Serializer<V> valueSerializer, List<ProducerRecord<K, V>> records) {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(config, keySerializer, valueSerializer)) {
            producer.initTransactions();
            producer.beginTransaction();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            records.forEach(record -> acks.add(producer.send(record)));
            producer.flush();
            awaitAcks(records, acks);
            if (outcome == TransactionOutcome.COMMIT) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    /** {@link #awaitRecords(String, int, Deserializer, Deserializer, Duration)} waiting {@link #DEFAULT_WAIT}. */
    public <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count,
                                                          Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return awaitRecords(topic, count, keyDeserializer, valueDeserializer, DEFAULT_WAIT);
    }

    /**
     * Reads the topic from the beginning, committed records only (read_committed), until at least
     * {@code count} records arrived, waiting at most {@code wait} (also for the topic to appear). Returns all
     * records read, which may be more than {@code count}, in the order of arrival (per partition: offset order).
     *
     * @throws AssertionError if fewer than {@code count} records arrived within {@code wait}
     */
    public <K, V> List<ConsumerRecord<K, V>> awaitRecords(String topic, int count, Deserializer<K> keyDeserializer,
                                                          Deserializer<V> valueDeserializer, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(consumerConfig(), keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline, wait);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<K, V>> received = new ArrayList<>();
            while (received.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Waited " + wait + " for " + count + " records on topic '" + topic
                            + "' (read_committed) at " + bootstrapServers + ", but only " + received.size()
                            + " arrived" + describe(received));
                }
                consumer.poll(POLL_INTERVAL).forEach(received::add);
            }
            return received;
        }
    }

    private <K, V> List<TopicPartition> awaitPartitions(KafkaConsumer<K, V> consumer, String topic, long deadline, Duration wait) {
        while (true) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)));
            } catch (org.apache.kafka.common.errors.TimeoutException noMetadataYet) {
                partitions = List.of();
            }
            if (!partitions.isEmpty()) {
                return partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Topic '" + topic + "' did not appear at " + bootstrapServers + " within " + wait);
            }
            // metadata of an unknown topic comes back at once: without a pause this loop would flood the broker
            pauseBeforeRetry();
        }
    }

    private <K, V> List<RecordMetadata> awaitAcks(List<ProducerRecord<K, V>> records, List<Future<RecordMetadata>> acks) {
        List<RecordMetadata> metadata = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                metadata.add(acks.get(i).get(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("Record " + i + " to topic '" + records.get(i).topic() + "' at "
                        + bootstrapServers + " was not acknowledged: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while producing to " + bootstrapServers, e);
            }
        }
        return metadata;
    }

    private static void pauseBeforeRetry() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for a topic", e);
        }
    }

    private static <K, V> String describe(List<ConsumerRecord<K, V>> records) {
        if (records.isEmpty()) {
            return "";
        }
        return records.stream().limit(RECORDS_SHOWN_ON_FAILURE)
                .map(r -> "p" + r.partition() + "@" + r.offset() + " " + r.key() + "=" + r.value())
                .collect(Collectors.joining(", ", ": [", records.size() > RECORDS_SHOWN_ON_FAILURE ? ", ...]" : "]"));
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEFAULT_WAIT.toMillis());
        return config;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }
}
