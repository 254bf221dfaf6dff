package dev.losswatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.losswatch.events.DeadLetterHeaders;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.events.registry.RegistryAvroSerializer;
import dev.losswatch.join.JoinSettings;
import dev.losswatch.runtime.EmbeddedKafka;
import dev.losswatch.testing.ApicurioRegistryProcess;
import dev.losswatch.testing.KafkaBrokerExtension;
import dev.losswatch.testing.KafkaTestClient;
import dev.losswatch.testing.SchemaEdits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole topology on a real Kafka broker, exactly-once, with a real Confluent-API schema registry (Apicurio):
 * Avro events produced through our serde come out on every output topic with the right values, and a producer
 * writing a newer, compatible schema version is still read.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LosswatchTopologyIT {
    private static final int EVENTS = 40;

    private ApicurioRegistryProcess apicurio;

    @BeforeAll
    void startRegistry() throws Exception {
        apicurio = ApicurioRegistryProcess.start();
        apicurio.setGlobalCompatibility("BACKWARD");
    }

    @AfterAll
    void stopRegistry() throws Exception {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @Test
    void avroEventsThroughTheRegistryComeOutScoredWindowedUnlabeledAndDeadLettered(EmbeddedKafka broker,
                                                                                  KafkaTestClient client) throws Exception {
        Topics topics = Topics.DEFAULTS;
        broker.createTopics(4, topics.predictions(), topics.labels(), topics.scored(), topics.windows(),
                topics.alerts(), topics.unlabeled(), topics.deadLetters());
        Map<String, String> registry = Map.of("schema.registry.url", apicurio.confluentApiUrl());
        EventSerdes serdes = new EventSerdes(registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TopologySettings settings = TopologySettings.defaults()
                .withJoin(JoinSettings.of(Duration.ofHours(1), Duration.ofSeconds(30)).withIdleExpiryAfter(Duration.ofSeconds(2)))
                .withWindows(TopologySettings.defaults().windows().withSizes(List.of(Duration.ofHours(1))));

        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "losswatch-it");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("losswatch-it").toString());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.putAll(LosswatchTopology.requiredStreamsConfig(topics, meters));

        // all predictions in one hour window that has already begun, so its running value covers them all
        Instant predictedAt = Instant.now().truncatedTo(ChronoUnit.HOURS).plusMillis(1);
        Map<String, Double> expectedLoss = new HashMap<>();
        List<Prediction> predictions = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            float logit = (i % 7) - 3;
            predictions.add(TopologyTestBed.logits("p" + i, "churn", predictedAt, logit, 0f));
            labels.add(TopologyTestBed.label("p" + i, Instant.now(), i % 2));
            expectedLoss.put("p" + i, softplus(i % 2 == 0 ? -logit : logit));
        }

        try (KafkaStreams streams = new KafkaStreams(LosswatchTopology.build(settings, serdes, meters), properties)) {
            streams.start();
            StringSerializer keys = new StringSerializer();
            client.produce(keys, serdes.prediction().serializer(), records(topics.predictions(),
                    predictions.stream().collect(Collectors.toMap(Prediction::getPredictionId, p -> p))));
            client.produce(keys, serdes.label().serializer(), records(topics.labels(),
                    labels.stream().collect(Collectors.toMap(Label::getPredictionId, l -> l))));

            // a producer already on a newer version of the contract, with a field losswatch does not know
            Schema evolved = SchemaEdits.withField(Prediction.getClassSchema(),
                    "{\"name\": \"servingRegion\", \"type\": \"string\", \"default\": \"eu-west-1\"}");
            GenericRecord newer = new GenericData.Record(evolved);
            Prediction base = TopologyTestBed.logits("evolved", "churn", predictedAt, 1f, 0f);
            for (Schema.Field field : Prediction.getClassSchema().getFields()) {
                Object value = base.get(field.pos());
                newer.put(field.name(), value instanceof Instant ? ((Instant) value).toEpochMilli()
                        : value instanceof Enum ? new GenericData.EnumSymbol(field.schema(), value.toString()) : value);
            }
            newer.put("servingRegion", "us-east-1");
            RegistryAvroSerializer<GenericRecord> newerSerializer = new RegistryAvroSerializer<>(evolved);
            newerSerializer.configure(registry, false);
            client.produce(keys, newerSerializer, records(topics.predictions(), Map.of("evolved", newer)));
            client.produce(keys, serdes.label().serializer(), records(topics.labels(),
                    Map.of("evolved", TopologyTestBed.label("evolved", Instant.now(), 0))));

            // garbage, an invalid prediction, and a prediction that will never be labelled
            client.produce(new ByteArraySerializer(), new ByteArraySerializer(), records(topics.predictions(),
                    Map.of("junk".getBytes(), new byte[] {0, 0, 0, 0x7f, 0x7f, 1})));
            client.produce(keys, serdes.prediction().serializer(), records(topics.predictions(),
                    Map.of("bad", TopologyTestBed.logits("bad", "churn", predictedAt, Float.NaN, 0f),
                            "lonely", TopologyTestBed.logits("lonely", "churn", predictedAt, 1f, 0f))));

            List<ConsumerRecord<String, ScoredPrediction>> scored = client.awaitRecords(topics.scored(), EVENTS + 1,
                    new StringDeserializer(), serdes.scoredPrediction().deserializer(), Duration.ofSeconds(90));
            Map<String, ScoredPrediction> byId = scored.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
            assertThat(byId).hasSize(EVENTS + 1).containsKey("evolved");
            expectedLoss.forEach((id, loss) -> assertThat(byId.get(id).getLoss()).as(id).isCloseTo(loss, within(1e-12)));
            assertThat(byId.get("evolved").getLoss()).isCloseTo(softplus(-1), within(1e-12));

            List<ConsumerRecord<byte[], byte[]>> dead = client.awaitRecords(topics.deadLetters(), 2,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(60));
            assertThat(dead).extracting(r -> DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON))
                    .containsExactlyInAnyOrder("UNKNOWN_SCHEMA_ID", "INVALID_PREDICTION");

            List<ConsumerRecord<String, Prediction>> unlabeled = client.awaitRecords(topics.unlabeled(), 1,
                    new StringDeserializer(), serdes.prediction().deserializer(), Duration.ofSeconds(60));
            assertThat(unlabeled).extracting(ConsumerRecord::key).containsExactly("lonely");

            double expectedMean = (expectedLoss.values().stream().mapToDouble(Double::doubleValue).sum() + softplus(-1))
                    / (EVENTS + 1);
            LossWindow complete = awaitWindow(client, serdes, topics.windows(),
                    window -> window.getCount() == EVENTS + 1 && window.getPredictionCount() == EVENTS + 2);
            assertThat(complete.getModelId()).isEqualTo("churn");
            assertThat(complete.getMeanLoss()).isCloseTo(expectedMean, within(1e-12));
            assertThat(complete.getLabelCoverage()).isCloseTo((EVENTS + 1.0) / (EVENTS + 2.0), within(1e-12));
        }
    }

    /** The first published value of the model's whole hour window that meets {@code wanted}. */
    private static LossWindow awaitWindow(KafkaTestClient client, EventSerdes serdes, String topic,
                                          java.util.function.Predicate<LossWindow> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int seen = 1;
        while (true) {
            List<ConsumerRecord<String, LossWindow>> windows = client.awaitRecords(topic, seen,
                    new StringDeserializer(), serdes.lossWindow().deserializer(), Duration.ofSeconds(60));
            for (ConsumerRecord<String, LossWindow> record : windows) {
                if (record.value().getSliceKey().isEmpty() && wanted.test(record.value())) {
                    return record.value();
                }
            }
            assertThat(System.nanoTime()).as("the awaited window value within 60 s; saw %s", windows).isLessThan(deadline);
            seen = windows.size() + 1;
        }
    }

    private static <K, V> List<ProducerRecord<K, V>> records(String topic, Map<K, V> values) {
        List<ProducerRecord<K, V>> records = new ArrayList<>();
        values.forEach((key, value) -> records.add(new ProducerRecord<>(topic, key, value)));
        return records;
    }

    /** ln(1 + e^x): the two-class loss of logits [x, 0] for class 1, written independently of losswatch. */
    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
