package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.testing.KafkaBrokerExtension;
import dev.losswatch.testing.KafkaTestClient;
import dev.losswatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two losswatch instances of one application on one broker, as a scaled-out deployment runs: they share the
 * partitions, each answers queries for the windows the other holds, and when one stops mid-stream the other
 * takes over its work without losing or repeating a single score.
 */
@ExtendWith(KafkaBrokerExtension.class)
@DisplayName("losswatch scaled out to two instances")
class ScaleOutIT {
    private static final String NAME = "scale-out";
    private static final int PARTITIONS = 4;
    private static final int MODELS_PER_PARTITION = 2;
    private static final int PREDICTIONS_PER_MODEL_PER_BATCH = 5;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration RESULTS = Duration.ofSeconds(90);

    private final EmbeddedKafka kafka;
    private final KafkaTestClient client;
    private final Topics topics = TestInstances.topics(NAME);
    private final EventSerdes serdes = TestInstances.serdes(NAME);

    ScaleOutIT(EmbeddedKafka kafka, KafkaTestClient client) {
        this.kafka = kafka;
        this.client = client;
    }

    @Test
    void twoInstancesShareTheWorkAnswerForEachOtherAndScoreEveryPredictionOnceWhenOneStopsMidStream(
            @TempDir Path stateA, @TempDir Path stateB) throws Exception {
        List<String> allTopics = new ArrayList<>(topics.inputs());
        allTopics.addAll(topics.outputs());
        kafka.createTopics(PARTITIONS, allTopics.toArray(String[]::new));
        List<String> models = modelsOnEveryPartition();
        Instant start = Instant.now();
        List<String> predictionIds = new ArrayList<>();

        try (LosswatchApp a = LosswatchApp.start(config(stateA))) {
            HttpTestClient httpA = new HttpTestClient(a.httpPort());
            try (LosswatchApp b = LosswatchApp.start(config(stateB))) {
                HttpTestClient httpB = new HttpTestClient(b.httpPort());
                awaitBothProcessing(a, b, httpA, httpB);

                predictionIds.addAll(produceBatch("first", models));
                awaitScored(predictionIds.size());
                // the windows of each model live on one instance: the local parts split the models between A and B
                List<Map<String, Long>> held = poll("every model's windows held by exactly one instance, each holding some",
                        () -> bothOrNone(scoredPerModel(httpA, models, true), scoredPerModel(httpB, models, true)),
                        split -> models.stream().allMatch(model -> split.get(0).get(model) + split.get(1).get(model)
                                        == PREDICTIONS_PER_MODEL_PER_BATCH
                                        && split.get(0).get(model) * split.get(1).get(model) == 0)
                                && split.stream().allMatch(counts -> counts.values().stream().anyMatch(count -> count > 0)));
                assertThat(held.get(0).keySet()).containsExactlyInAnyOrderElementsOf(models);
                for (HttpTestClient either : List.of(httpA, httpB)) {
                    poll("windows of every model, whichever instance holds them", () -> scoredPerModel(either, models, false),
                            counts -> counts.values().stream().allMatch(count -> count == PREDICTIONS_PER_MODEL_PER_BATCH));
                    assertThat(either.getJson("/api/models")).extracting(model -> model.path("modelId").asText())
                            .containsExactlyInAnyOrderElementsOf(models);
                }

                predictionIds.addAll(produceBatch("second", models));
            }
            // B has left the group with work of the second batch in flight; A takes over its partitions
            predictionIds.addAll(produceBatch("third", models));
            awaitScored(predictionIds.size());
            poll("windows on A after the takeover, each event counted once", () -> scoredPerModel(httpA, models, false),
                    counts -> counts.values().stream().allMatch(count -> count == 3 * PREDICTIONS_PER_MODEL_PER_BATCH));
        }

        List<String> scoredIds = readAllCommitted(topics.scored(), serdes.scoredPrediction().deserializer()).stream()
                .map(ConsumerRecord::key).toList();
        assertThat(scoredIds).as("every prediction scored exactly once").containsExactlyInAnyOrderElementsOf(predictionIds);
    }

    private LosswatchConfig config(Path stateDir) {
        Map<String, String> settings = TestInstances.settings(NAME, kafka.bootstrapServers(), stateDir);
        // a takeover may process the stopped instance's last events after newer ones: they must not be late
        settings.put(Setting.WINDOW_GRACE.key(), "5m");
        return LosswatchConfig.of(settings);
    }

    /**
     * Model ids whose window-store partition is each of the input partitions, {@link #MODELS_PER_PARTITION} of
     * each, as the producer's default partitioner places them: whichever partitions an instance gets, it holds
     * windows of some models.
     */
    private static List<String> modelsOnEveryPartition() {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < PARTITIONS * MODELS_PER_PARTITION; i++) {
            String model = "model-" + i;
            List<String> onPartition = byPartition.computeIfAbsent(
                    Utils.toPositive(Utils.murmur2(model.getBytes(StandardCharsets.UTF_8))) % PARTITIONS, p -> new ArrayList<>());
            if (onPartition.size() < MODELS_PER_PARTITION) {
                onPartition.add(model);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).sorted().toList();
    }

    private void awaitBothProcessing(LosswatchApp a, LosswatchApp b, HttpTestClient httpA, HttpTestClient httpB)
            throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!(hasActiveTasks(a) && hasActiveTasks(b))) {
            assertThat(System.nanoTime()).as("both instances RUNNING with tasks within %s: A %s, B %s", STARTUP,
                    a.kafkaStreams().state(), b.kafkaStreams().state()).isLessThan(deadline);
            Thread.sleep(100);
        }
        httpA.awaitReady(STARTUP);
        httpB.awaitReady(STARTUP);
    }

    private static boolean hasActiveTasks(LosswatchApp app) {
        KafkaStreams streams = app.kafkaStreams();
        return streams.state() == KafkaStreams.State.RUNNING
                && streams.metadataForLocalThreads().stream().mapToLong(thread -> thread.activeTasks().size()).sum() > 0;
    }

    private List<String> produceBatch(String batch, List<String> models) {
        Instant now = Instant.now();
        List<Prediction> predictions = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (String model : models) {
            for (int i = 0; i < PREDICTIONS_PER_MODEL_PER_BATCH; i++) {
                Prediction prediction = Traffic.prediction(batch + "-" + model + "-" + i, model, "v1", now);
                predictions.add(prediction);
                labels.add(Traffic.label(prediction.getPredictionId(), now.plusMillis(10)));
            }
        }
        Traffic.sendPredictions(client, serdes, topics.predictions(), predictions);
        Traffic.sendLabels(client, serdes, topics.labels(), labels);
        return predictions.stream().map(Prediction::getPredictionId).toList();
    }

    private void awaitScored(int count) {
        client.awaitRecords(topics.scored(), count, new StringDeserializer(), serdes.scoredPrediction().deserializer(), RESULTS);
    }

    /**
     * Scored events per model in the 1-second windows that an instance answers for (only its own with
     * {@code local}); null while it cannot answer because a rebalance moves the stores (503).
     */
    private static Map<String, Long> scoredPerModel(HttpTestClient http, List<String> models, boolean local) {
        Map<String, Long> counts = new HashMap<>();
        for (String model : models) {
            HttpResponse<String> response = http.get("/api/models/" + model + "/windows?size=1s&from="
                    + Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli() + (local ? "&local=true" : ""));
            if (response.statusCode() == 503) {
                return null;
            }
            assertThat(response.statusCode()).as("answer %s", response.body()).isEqualTo(200);
            counts.put(model, StreamSupport.stream(HttpTestClient.json(response).spliterator(), false)
                    .mapToLong(window -> window.path("count").asLong()).sum());
        }
        return counts;
    }

    private static <T> List<T> bothOrNone(T first, T second) {
        return first == null || second == null ? null : List.of(first, second);
    }

    /** Probes until {@code done} holds for a non-null answer, which it returns; fails with the last answer after a while. */
    private static <T> T poll(String expectation, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + RESULTS.toNanos();
        while (true) {
            T answer = probe.get();
            if (answer != null && done.test(answer)) {
                return answer;
            }
            assertThat(System.nanoTime()).as("%s within %s; last answer %s", expectation, RESULTS, answer).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Every committed record of the topic, read up to its end. */
    private <V> List<ConsumerRecord<String, V>> readAllCommitted(String topic, Deserializer<V> valueDeserializer) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), valueDeserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + RESULTS.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                assertThat(System.nanoTime()).as("read %s to its end offsets %s within %s", topic, ends, RESULTS).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }
}
