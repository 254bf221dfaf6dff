package dev.losswatch.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.runtime.EmbeddedKafka;
import dev.losswatch.testing.KafkaBrokerExtension;
import dev.losswatch.testing.KafkaTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join on a real broker, exactly-once, with RocksDB stores: its changelog writes are accepted, its
 * waiting stores answer interactive queries, and after a restart whose local state was wiped it restores
 * from the changelogs and carries on.
 */
@ExtendWith(KafkaBrokerExtension.class)
@DisplayName("The prediction-label join on a broker")
class PredictionLabelJoinIT {

    private static final String APPLICATION_ID = "join-it";
    private static final String PREDICTIONS = "join-it-predictions";
    private static final String LABELS = "join-it-labels";
    private static final String JOINED_IDS = "join-it-joined-ids";
    private static final String UNLABELED = "join-it-unlabeled";
    private static final String ORPHAN_LABELS = "join-it-orphan-labels";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @Test
    void restoresWaitingAndSettledStateFromItsChangelogsAfterLosingItsLocalState(EmbeddedKafka kafka, KafkaTestClient client,
                                                                                 @TempDir Path stateDir) throws InterruptedException {
        kafka.createTopics(1, PREDICTIONS, LABELS, JOINED_IDS, UNLABELED, ORPHAN_LABELS);
        Instant now = Instant.now();

        try (KafkaStreams first = start(kafka, stateDir, new SimpleMeterRegistry())) {
            sendPredictions(client, JoinTestBed.predictionOf("waiting-prediction", now), JoinTestBed.predictionOf("joined", now));
            sendLabels(client, JoinTestBed.labelOf("waiting-label", now, 0), JoinTestBed.labelOf("joined", now, 1));
            assertThat(joinedIds(client, 1)).containsExactly("joined");

            ReadOnlyKeyValueStore<String, Label> waitingLabels = first.store(StoreQueryParameters.fromNameAndType(
                    PredictionLabelJoin.PENDING_LABELS_STORE, QueryableStoreTypes.keyValueStore()));
            assertThat(waitingPredictions(first).get("waiting-prediction").getModelId()).isEqualTo(JoinTestBed.MODEL);
            assertThat(waitingLabels.get("waiting-label").getClassIndex()).isZero();
            // leaving the group spares the second instance the wait for the first one's session to time out
            first.close(CloseOptions.timeout(Duration.ofSeconds(30))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            first.cleanUp();
        }

        SimpleMeterRegistry afterRestart = new SimpleMeterRegistry();
        try (KafkaStreams second = start(kafka, stateDir, afterRestart)) {
            sendLabels(client, JoinTestBed.labelOf("joined", now.plusSeconds(1), 1), JoinTestBed.labelOf("waiting-prediction", now, 1));
            sendPredictions(client, JoinTestBed.predictionOf("waiting-label", now));

            assertThat(joinedIds(client, 3)).containsExactlyInAnyOrder("joined", "waiting-prediction", "waiting-label");
            assertThat(JoinCounts.readFrom(afterRestart).duplicateLabels()).isEqualTo(1);
            assertThat(JoinCounts.readFrom(afterRestart).joined()).isEqualTo(2);
            assertThat(waitingPredictions(second).get("waiting-prediction")).isNull();
        }
    }

    private static ReadOnlyKeyValueStore<String, Prediction> waitingPredictions(KafkaStreams streams) {
        return streams.store(StoreQueryParameters.fromNameAndType(
                PredictionLabelJoin.PENDING_PREDICTIONS_STORE, QueryableStoreTypes.keyValueStore()));
    }

    private static KafkaStreams start(EmbeddedKafka kafka, Path stateDir, SimpleMeterRegistry meters) throws InterruptedException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        KafkaStreams streams = new KafkaStreams(topology(props, meters), props);
        streams.start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            assertThat(System.nanoTime()).as("Kafka Streams RUNNING within " + STARTUP + ", state " + streams.state()).isLessThan(deadline);
            Thread.sleep(100);
        }
        return streams;
    }

    private static Topology topology(Properties props, SimpleMeterRegistry meters) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        PredictionLabelJoin.JoinStreams outputs = PredictionLabelJoin.addTo(builder,
                builder.stream(PREDICTIONS, Consumed.with(Serdes.String(), JoinTestBed.PREDICTION_SERDE).withName("source-predictions")),
                builder.stream(LABELS, Consumed.with(Serdes.String(), JoinTestBed.LABEL_SERDE).withName("source-labels")),
                JoinSettings.defaults(), JoinTestBed.PREDICTION_SERDE, JoinTestBed.LABEL_SERDE, meters);
        outputs.joined().mapValues(joined -> joined.prediction().getPredictionId(), Named.as("joined-id"))
                .to(JOINED_IDS, Produced.with(Serdes.String(), Serdes.String()).withName("sink-joined-ids"));
        outputs.unlabeled().to(UNLABELED, Produced.with(Serdes.String(), JoinTestBed.PREDICTION_SERDE).withName("sink-unlabeled"));
        outputs.orphanLabels().to(ORPHAN_LABELS, Produced.with(Serdes.String(), JoinTestBed.LABEL_SERDE).withName("sink-orphan-labels"));
        return builder.build();
    }

    private static void sendPredictions(KafkaTestClient client, Prediction... predictions) {
        client.produce(new StringSerializer(), JoinTestBed.PREDICTION_SERDE.serializer(), List.of(predictions).stream()
                .map(p -> new ProducerRecord<>(PREDICTIONS, null, p.getTimestamp().toEpochMilli(), p.getPredictionId(), p))
                .toList());
    }

    private static void sendLabels(KafkaTestClient client, Label... labels) {
        client.produce(new StringSerializer(), JoinTestBed.LABEL_SERDE.serializer(), List.of(labels).stream()
                .map(l -> new ProducerRecord<>(LABELS, null, l.getTimestamp().toEpochMilli(), l.getPredictionId(), l))
                .toList());
    }

    private static List<String> joinedIds(KafkaTestClient client, int count) {
        return client.awaitRecords(JOINED_IDS, count, new StringDeserializer(), new StringDeserializer()).stream()
                .map(ConsumerRecord::value).toList();
    }
}
