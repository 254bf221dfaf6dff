package dev.losswatch.topology;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** The real losswatch topology in a TopologyTestDriver, with registry serdes on an in-process registry. */
final class TopologyTestBed implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final EventSerdes serdes = new EventSerdes(Map.of("schema.registry.url", "mock://topology-" + UUID.randomUUID()));
    final Topology topology;
    final TopologyTestDriver driver;
    final TestInputTopic<String, Prediction> predictions;
    final TestInputTopic<String, Label> labels;
    final TestInputTopic<byte[], byte[]> rawPredictions;
    final TestOutputTopic<String, ScoredPrediction> scored;
    final TestOutputTopic<String, LossWindow> windows;
    final TestOutputTopic<String, Prediction> unlabeled;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    TopologyTestBed(TopologySettings settings) throws Exception {
        Topics topics = settings.topics();
        topology = LosswatchTopology.build(settings, serdes, meters);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "losswatch-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("losswatch-ttd").toString());
        properties.putAll(LosswatchTopology.requiredStreamsConfig(topics, meters));
        driver = new TopologyTestDriver(topology, properties, T0);
        StringSerializer keys = new StringSerializer();
        predictions = driver.createInputTopic(topics.predictions(), keys, serdes.prediction().serializer());
        labels = driver.createInputTopic(topics.labels(), keys, serdes.label().serializer());
        rawPredictions = driver.createInputTopic(topics.predictions(), new ByteArraySerializer(), new ByteArraySerializer());
        StringDeserializer keysOut = new StringDeserializer();
        scored = driver.createOutputTopic(topics.scored(), keysOut, serdes.scoredPrediction().deserializer());
        windows = driver.createOutputTopic(topics.windows(), keysOut, serdes.lossWindow().deserializer());
        unlabeled = driver.createOutputTopic(topics.unlabeled(), keysOut, serdes.prediction().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static TopologySettings inMemory() {
        TopologySettings defaults = TopologySettings.defaults();
        return defaults.withJoin(defaults.join().withStoreType(dev.losswatch.join.JoinSettings.StoreType.IN_MEMORY))
                .withWindows(defaults.windows().withInMemoryStores(true));
    }

    static Prediction logits(String id, String model, Instant at, float... scores) {
        List<Float> values = new java.util.ArrayList<>();
        for (float score : scores) {
            values.add(score);
        }
        return Prediction.newBuilder().setPredictionId(id).setModelId(model).setModelVersion("v1").setTimestamp(at)
                .setOutputType(OutputType.LOGITS).setScores(values).build();
    }

    static Label label(String id, Instant at, int classIndex) {
        return Label.newBuilder().setPredictionId(id).setTimestamp(at).setClassIndex(classIndex).build();
    }

    void send(Prediction prediction) {
        predictions.pipeInput(prediction.getPredictionId(), prediction, prediction.getTimestamp());
    }

    void send(Label label) {
        labels.pipeInput(label.getPredictionId(), label, label.getTimestamp());
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
