package dev.losswatch.runtime;

import dev.losswatch.testing.KafkaTestClient;
import dev.losswatch.testing.KafkaTestClient.TransactionOutcome;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each test starts its own broker: they stop, restart and delete it. */
class EmbeddedKafkaIT {
    private static final StringSerializer SERIALIZER = new StringSerializer();
    private static final StringDeserializer DESERIALIZER = new StringDeserializer();

    @Test
    void servesTransactionalWritesToAFourPartitionTopicAndReadCommittedSeesOnlyCommittedOnes() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of())) {
            KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
            kafka.createTopics(4, "orders");
            kafka.createTopics(4, "orders");

            client.produceInTransaction(TransactionOutcome.ABORT, SERIALIZER, SERIALIZER, records("orders", 4, "aborted", 4));
            client.produceInTransaction(TransactionOutcome.COMMIT, SERIALIZER, SERIALIZER, records("orders", 4, "committed", 8));

            List<ConsumerRecord<String, String>> read = client.awaitRecords("orders", 8, DESERIALIZER, DESERIALIZER);
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(partitionCounts(kafka, "orders")).containsEntry("orders", 4);
            assertThat(read).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(values("committed", 8));
            assertThat(read).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2, 3);
        }
    }

    @Test
    void restartKeepsTheRecordsAndTheBootstrapAddress() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of())) {
            KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
            kafka.createTopics(4, "before-restart");
            client.produceInTransaction(TransactionOutcome.COMMIT, SERIALIZER, SERIALIZER, records("before-restart", 4, "old", 4));
            String addressBefore = kafka.bootstrapServers();

            kafka.restart();
            client.produceInTransaction(TransactionOutcome.COMMIT, SERIALIZER, SERIALIZER, records("before-restart", 4, "new", 4));

            assertThat(kafka.bootstrapServers()).isEqualTo(addressBefore);
            assertThat(client.awaitRecords("before-restart", 8, DESERIALIZER, DESERIALIZER))
                    .extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(concat(values("old", 4), values("new", 4)));
        }
    }

    @Test
    void closeStopsTheBrokerAndRemovesItsTemporaryDataDirectory() {
        EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of());
        Path dataDir = kafka.dataDir();
        String address = kafka.bootstrapServers();
        assertThat(dataDir.resolve("meta.properties")).exists();

        kafka.close();
        kafka.close();

        assertThat(dataDir).doesNotExist();
        try (KafkaPreflight preflight = KafkaPreflight.connect(Map.of("bootstrap.servers", address), Duration.ofSeconds(2))) {
            assertThatThrownBy(preflight::checkReachable).isInstanceOf(PreflightException.class);
        }
    }

    @Test
    void aDataDirectoryGivenByTheCallerIsKeptAndTheNextBrokerFindsItsRecords(@TempDir Path parent) {
        Path dataDir = parent.resolve("kafka");
        try (EmbeddedKafka first = EmbeddedKafka.start(dataDir, Map.of())) {
            first.createTopics(1, "kept");
            new KafkaTestClient(first.bootstrapServers())
                    .produce(SERIALIZER, SERIALIZER, records("kept", 1, "persisted", 3));
        }
        assertThat(dataDir.resolve("meta.properties")).exists();

        try (EmbeddedKafka second = EmbeddedKafka.start(dataDir, Map.of())) {
            assertThat(new KafkaTestClient(second.bootstrapServers()).awaitRecords("kept", 3, DESERIALIZER, DESERIALIZER))
                    .extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(values("persisted", 3));
        }
        assertThat(Files.exists(dataDir)).isTrue();
    }

    @Test
    void overridesReplaceDefaultsWhileSingleBrokerDefaultsStayInPlace() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, Map.of("auto.create.topics.enable", "true"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);

            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("true");
            assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
            assertThat(config.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");
        }
    }

    private static Map<String, Integer> partitionCounts(EmbeddedKafka kafka, String... topics) {
        try (KafkaPreflight preflight = KafkaPreflight.connect(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                KafkaTestClient.DEFAULT_WAIT)) {
            return preflight.requireTopics(List.of(topics));
        }
    }

    /** Records dealt round-robin over the partitions, so that every partition gets some. */
    private static List<ProducerRecord<String, String>> records(String topic, int partitions, String prefix, int count) {
        List<String> values = values(prefix, count);
        return IntStream.range(0, count)
                .mapToObj(i -> new ProducerRecord<>(topic, i % partitions, "key-" + i, values.get(i)))
                .toList();
    }

    private static List<String> values(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
