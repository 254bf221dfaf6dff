package dev.losswatch.join;

import dev.losswatch.events.Label;
import dev.losswatch.events.OutputType;
import dev.losswatch.events.Prediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join wired between test topics in a {@link TopologyTestDriver}, built with explicit internal resource
 * naming enforced, with helpers that make events and read the outputs.
 */
final class JoinTestBed implements AutoCloseable {

    static final String APPLICATION_ID = "join-test";
    static final String PREDICTIONS = "predictions";
    static final String LABELS = "labels";
    static final String JOINED = "joined";
    static final String UNLABELED = "unlabeled";
    static final String ORPHAN_LABELS = "orphan-labels";
    static final String MODEL = "fraud-model";

    /** The wall clock of every driver starts here, and so do the event times of the tests. */
    static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

    static final Serde<Prediction> PREDICTION_SERDE = new AvroBinarySerde<>(Prediction.getClassSchema());
    static final Serde<Label> LABEL_SERDE = new AvroBinarySerde<>(Label.getClassSchema());

    final SimpleMeterRegistry meters;
    final TopologyTestDriver driver;
    final TestInputTopic<String, Prediction> predictions;
    final TestInputTopic<String, Label> labels;
    final TestOutputTopic<String, JoinedEvent> joined;
    final TestOutputTopic<String, Prediction> unlabeled;
    final TestOutputTopic<String, Label> orphanLabels;

    private JoinTestBed(JoinSettings settings, Path stateDir, SimpleMeterRegistry meters,
                        UnaryOperator<KeyValueBytesStoreSupplier> expiryIndexDecorator) {
        this.meters = meters;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        if (stateDir != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        PredictionLabelJoin.JoinStreams outputs = PredictionLabelJoin.addTo(builder,
                builder.stream(PREDICTIONS, Consumed.with(Serdes.String(), PREDICTION_SERDE).withName("source-predictions")),
                builder.stream(LABELS, Consumed.with(Serdes.String(), LABEL_SERDE).withName("source-labels")),
                settings, PREDICTION_SERDE, LABEL_SERDE, meters, expiryIndexDecorator);
        outputs.joined().to(JOINED, Produced.with(Serdes.String(), JOINED_EVENT_SERDE).withName("sink-joined"));
        outputs.unlabeled().to(UNLABELED, Produced.with(Serdes.String(), PREDICTION_SERDE).withName("sink-unlabeled"));
        outputs.orphanLabels().to(ORPHAN_LABELS, Produced.with(Serdes.String(), LABEL_SERDE).withName("sink-orphan-labels"));

        driver = new TopologyTestDriver(builder.build(), props, T0);
        predictions = driver.createInputTopic(PREDICTIONS, Serdes.String().serializer(), PREDICTION_SERDE.serializer());
        labels = driver.createInputTopic(LABELS, Serdes.String().serializer(), LABEL_SERDE.serializer());
        joined = driver.createOutputTopic(JOINED, Serdes.String().deserializer(), JOINED_EVENT_SERDE.deserializer());
        unlabeled = driver.createOutputTopic(UNLABELED, Serdes.String().deserializer(), PREDICTION_SERDE.deserializer());
        orphanLabels = driver.createOutputTopic(ORPHAN_LABELS, Serdes.String().deserializer(), LABEL_SERDE.deserializer());
    }

    /** In-memory stores, everything else as given. */
    static JoinTestBed inMemory(JoinSettings settings) {
        return new JoinTestBed(settings.withStoreType(JoinSettings.StoreType.IN_MEMORY), null, new SimpleMeterRegistry(),
                UnaryOperator.identity());
    }

    static JoinTestBed inMemory(JoinSettings settings, UnaryOperator<KeyValueBytesStoreSupplier> expiryIndexDecorator) {
        return new JoinTestBed(settings.withStoreType(JoinSettings.StoreType.IN_MEMORY), null, new SimpleMeterRegistry(),
                expiryIndexDecorator);
    }

    /** RocksDB stores under the given state directory. */
    static JoinTestBed persistent(JoinSettings settings, Path stateDir, SimpleMeterRegistry meters) {
        return new JoinTestBed(settings.withStoreType(JoinSettings.StoreType.PERSISTENT), stateDir, meters, UnaryOperator.identity());
    }

    void predict(String predictionId, Instant at) {
        predictions.pipeInput(predictionId, predictionOf(predictionId, at), at);
    }

    void label(String predictionId, Instant at, int trueClass) {
        labels.pipeInput(predictionId, labelOf(predictionId, at, trueClass), at);
    }

    /** Moves stream time by sending a prediction nobody labels; it becomes unlabeled in its turn like any other. */
    void advanceStreamTimeTo(Instant at) {
        predict("clock-tick-" + at.toEpochMilli(), at);
    }

    void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    JoinCounts counts() {
        return JoinCounts.readFrom(meters);
    }

    KeyValueStore<String, Prediction> pendingPredictions() {
        return driver.getKeyValueStore(PredictionLabelJoin.PENDING_PREDICTIONS_STORE);
    }

    KeyValueStore<String, Label> pendingLabels() {
        return driver.getKeyValueStore(PredictionLabelJoin.PENDING_LABELS_STORE);
    }

    /** Entries per store, in the order pending predictions, pending labels, settled, expiry index. */
    List<Long> storeSizes() {
        return List.of(
                PredictionLabelJoin.PENDING_PREDICTIONS_STORE,
                PredictionLabelJoin.PENDING_LABELS_STORE,
                PredictionLabelJoin.SETTLED_STORE,
                PredictionLabelJoin.EXPIRY_INDEX_STORE).stream()
                .map(name -> countEntries(driver.getKeyValueStore(name)))
                .toList();
    }

    private static long countEntries(KeyValueStore<?, ?> store) {
        long entries = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                all.next();
                entries++;
            }
        }
        return entries;
    }

    static Prediction predictionOf(String predictionId, Instant at) {
        return Prediction.newBuilder()
                .setPredictionId(predictionId)
                .setModelId(MODEL)
                .setModelVersion("v1")
                .setTimestamp(at)
                .setOutputType(OutputType.PROBABILITIES)
                .setScores(List.of(0.25f, 0.75f))
                .build();
    }

    static Label labelOf(String predictionId, Instant at, int trueClass) {
        return Label.newBuilder()
                .setPredictionId(predictionId)
                .setTimestamp(at)
                .setClassIndex(trueClass)
                .build();
    }

    @Override
    public void close() {
        driver.close();
    }

    /** Length-prefixed prediction bytes followed by label bytes; only for reading the joined output in tests. */
    private static final Serde<JoinedEvent> JOINED_EVENT_SERDE = Serdes.serdeFrom(
            (Serializer<JoinedEvent>) (topic, event) -> {
                byte[] prediction = PREDICTION_SERDE.serializer().serialize(topic, event.prediction());
                byte[] label = LABEL_SERDE.serializer().serialize(topic, event.label());
                return ByteBuffer.allocate(Integer.BYTES + prediction.length + label.length)
                        .putInt(prediction.length).put(prediction).put(label).array();
            },
            (Deserializer<JoinedEvent>) (topic, bytes) -> {
                int predictionLength = ByteBuffer.wrap(bytes).getInt();
                int labelStart = Integer.BYTES + predictionLength;
                return new JoinedEvent(
                        PREDICTION_SERDE.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, Integer.BYTES, labelStart)),
                        LABEL_SERDE.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, labelStart, bytes.length)));
            });
}
