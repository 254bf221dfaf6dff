package dev.losswatch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.losswatch.events.DeadLetterHeaders;
import dev.losswatch.events.DlqReason;
import dev.losswatch.events.DriftAlert;
import dev.losswatch.events.EventJson;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.join.JoinCounts;
import dev.losswatch.join.PredictionLabelJoin;
import dev.losswatch.topology.LosswatchTopology;
import dev.losswatch.topology.Topics;
import dev.losswatch.topology.TopologySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Replays captured predictions and labels through losswatch's own topology, offline: Kafka Streams'
 * TopologyTestDriver runs the very topology that {@code run} deploys, fed in timestamp order across both
 * files, with the driver's wall clock following the events so that time-based closing behaves as it would
 * live. Outputs go to JSON Lines files; the summary balances the books.
 */
public final class Backtest implements AutoCloseable {
    /** How many events go in between two drains of the output topics into the files. */
    private static final int DRAIN_EVERY = 10_000;
    /** The most wall-clock steps a flush takes to drain expiry backlogs; each step is one punctuation. */
    private static final int MAX_FLUSH_STEPS = 100_000;

    private final LosswatchConfig config;
    private final Path outDir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologySettings settings;
    private final EventSerdes serdes;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, Prediction> predictionsIn;
    private final TestInputTopic<String, Label> labelsIn;
    private final TestOutputTopic<String, ScoredPrediction> scoredOut;
    private final TestOutputTopic<String, LossWindow> windowsOut;
    private final TestOutputTopic<String, Prediction> unlabeledOut;
    private final TestOutputTopic<byte[], byte[]> deadLettersOut;
    private final TestOutputTopic<String, DriftAlert> alertsOut;
    private final BufferedWriter scoredFile;
    private final BufferedWriter windowsFile;
    private final BufferedWriter unlabeledFile;
    private final BufferedWriter deadLettersFile;
    private final BufferedWriter alertsFile;
    private final Summary summary = new Summary();
    private long wallClock;

    /** What went in and where it all went; the books balance when {@link #balanced()} holds. */
    public static final class Summary {
        long predictions;
        long labels;
        long scored;
        long unlabeled;
        long deadLetters;
        long malformedLines;
        long rejectedPairs;
        long duplicatePredictions;
        long duplicateLabels;
        long conflicts;
        long pendingPredictions;
        long pendingLabels;
        long finalWindows;
        long alerts;

        /** Each scored event and each rejected pair used two input records; every other outcome one. */
        public boolean balanced() {
            return predictions + labels == 2 * scored + rejectedPairs + unlabeled + deadLetters
                    + duplicatePredictions + duplicateLabels + conflicts + pendingPredictions + pendingLabels;
        }

        public long scored() {
            return scored;
        }

        public long deadLetters() {
            return deadLetters;
        }

        public long unlabeled() {
            return unlabeled;
        }

        public long pending() {
            return pendingPredictions + pendingLabels;
        }

        @Override
        public String toString() {
            return String.format("in=%d (predictions=%d labels=%d) scored=%d unlabeled=%d dlq=%d (malformed lines=%d, "
                            + "rejected pairs=%d) duplicates=%d (predictions=%d labels=%d) conflicts=%d pending=%d "
                            + "(predictions=%d labels=%d) final windows=%d alert transitions=%d books %s",
                    predictions + labels, predictions, labels, scored, unlabeled, deadLetters, malformedLines,
                    rejectedPairs, duplicatePredictions + duplicateLabels, duplicatePredictions, duplicateLabels,
                    conflicts, pendingPredictions + pendingLabels, pendingPredictions, pendingLabels, finalWindows, alerts,
                    balanced() ? "balance" : "DO NOT BALANCE");
        }
    }

    private record Event(long timestamp, long sequence, Prediction prediction, Label label) {
    }

    public Backtest(LosswatchConfig userConfig, Path outDir) throws IOException {
        // In memory, and with a registry of its own: a backtest touches nothing outside this process.
        this.config = userConfig.with(Setting.STORE_TYPE.key(), "memory")
                .with(Setting.SCHEMA_REGISTRY_URL.key(), "mock://backtest-" + UUID.randomUUID());
        this.outDir = Files.createDirectories(outDir);
        this.settings = TopologyConfig.settings(config);
        this.serdes = new EventSerdes(config.registryProperties());
        Topics topics = settings.topics();
        Properties properties = new Properties();
        properties.putAll(config.kafkaProperties());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("losswatch-backtest").toString());
        properties.putAll(LosswatchTopology.requiredStreamsConfig(topics, meters));
        this.driver = new TopologyTestDriver(LosswatchTopology.build(settings, serdes, meters), properties, Instant.EPOCH);
        this.predictionsIn = driver.createInputTopic(topics.predictions(), new StringSerializer(), serdes.prediction().serializer());
        this.labelsIn = driver.createInputTopic(topics.labels(), new StringSerializer(), serdes.label().serializer());
        StringDeserializer keys = new StringDeserializer();
        this.scoredOut = driver.createOutputTopic(topics.scored(), keys, serdes.scoredPrediction().deserializer());
        this.windowsOut = driver.createOutputTopic(topics.windows(), keys, serdes.lossWindow().deserializer());
        this.unlabeledOut = driver.createOutputTopic(topics.unlabeled(), keys, serdes.prediction().deserializer());
        this.deadLettersOut = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.alertsOut = driver.createOutputTopic(topics.alerts(), keys, serdes.driftAlert().deserializer());
        this.scoredFile = writer("scored.jsonl");
        this.windowsFile = writer("windows.jsonl");
        this.unlabeledFile = writer("unlabeled.jsonl");
        this.deadLettersFile = writer("dlq.jsonl");
        this.alertsFile = writer("alerts.jsonl");
    }

    private BufferedWriter writer(String name) throws IOException {
        return Files.newBufferedWriter(outDir.resolve(name), StandardCharsets.UTF_8);
    }

    /** Runs both files through the topology; with {@code flush}, time then passes every window and horizon. */
    public Summary run(Path predictionsFile, Path labelsFile, boolean flush) throws IOException {
        List<Event> events = new ArrayList<>();
        read(predictionsFile, events, node -> EventJson.readPrediction(node, predictionsFile.getFileName() + ": prediction"),
                true);
        read(labelsFile, events, node -> EventJson.readLabel(node, labelsFile.getFileName() + ": label"), false);
        events.sort(Comparator.comparingLong(Event::timestamp).thenComparingLong(Event::sequence));

        if (!events.isEmpty()) {
            wallClock = events.get(0).timestamp();
            driver.advanceWallClockTime(Duration.ofMillis(wallClock - Instant.EPOCH.toEpochMilli()));
        }
        long emitIntervalMs = settings.windows().emitInterval().toMillis();
        int sinceDrain = 0;
        for (Event event : events) {
            if (event.timestamp() - wallClock >= emitIntervalMs) {
                advanceWallClockTo(event.timestamp());
            }
            if (event.prediction() != null) {
                predictionsIn.pipeInput(event.prediction().getPredictionId(), event.prediction(), event.timestamp());
            } else {
                labelsIn.pipeInput(event.label().getPredictionId(), event.label(), event.timestamp());
            }
            if (++sinceDrain == DRAIN_EVERY) {
                drain();
                sinceDrain = 0;
            }
        }
        drain();
        if (flush) {
            flush();
        }
        return finish();
    }

    private void read(Path file, List<Event> events, Function<JsonNode, Object> reader, boolean predictions)
            throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            while ((line = lines.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (predictions) {
                    summary.predictions++;
                } else {
                    summary.labels++;
                }
                try {
                    Object event = reader.apply(EventJson.MAPPER.readTree(line));
                    long sequence = events.size();
                    if (event instanceof Prediction prediction) {
                        events.add(new Event(prediction.getTimestamp().toEpochMilli(), sequence, prediction, null));
                    } else {
                        Label label = (Label) event;
                        events.add(new Event(label.getTimestamp().toEpochMilli(), sequence, null, label));
                    }
                } catch (IOException | EventJson.MalformedEventException e) {
                    String problem = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
                            ? "not valid JSON: " + json.getOriginalMessage() : e.getMessage();
                    summary.malformedLines++;
                    summary.deadLetters++;
                    ObjectNode dead = EventJson.MAPPER.createObjectNode();
                    dead.put("reason", DlqReason.UNDECODABLE.name());
                    dead.put("detail", file.getFileName() + " line " + lineNumber + ": " + problem);
                    dead.put("source", file.toString());
                    dead.put("line", lineNumber);
                    write(deadLettersFile, dead);
                }
            }
        }
    }

    private void advanceWallClockTo(long timestamp) {
        driver.advanceWallClockTime(Duration.ofMillis(timestamp - wallClock));
        wallClock = timestamp;
    }

    /**
     * Lets time pass every horizon and window: the wall clock jumps past them all, then again by the backstops'
     * idleness thresholds, so the join's and the windows' wall-clock backstops expire and close everything; it
     * then steps on while a backlog remains (each expiry scan removes a bounded number of entries).
     */
    private void flush() {
        Duration beyondEverything = settings.join().horizon().plus(settings.join().labelWait())
                .plus(settings.windows().grace()).plus(settings.windows().retention())
                .plus(settings.windows().sizes().get(settings.windows().sizes().size() - 1)).plus(Duration.ofDays(1));
        Duration step = settings.join().expiryInterval().plus(settings.windows().emitInterval());
        advanceWallClockTo(wallClock + beyondEverything.toMillis());
        advanceWallClockTo(wallClock + settings.join().idleExpiryAfter().plus(settings.windows().idleCloseAfter())
                .plus(step).toMillis());
        for (int i = 0; i < MAX_FLUSH_STEPS && pendingPredictions() + pendingLabels() > 0; i++) {
            advanceWallClockTo(wallClock + step.toMillis());
        }
        advanceWallClockTo(wallClock + step.toMillis());
        drain();
    }

    private long pendingPredictions() {
        return driver.getTimestampedKeyValueStore(PredictionLabelJoin.PENDING_PREDICTIONS_STORE).approximateNumEntries();
    }

    private long pendingLabels() {
        return driver.getTimestampedKeyValueStore(PredictionLabelJoin.PENDING_LABELS_STORE).approximateNumEntries();
    }

    private void drain() {
        for (TestRecord<String, ScoredPrediction> record : scoredOut.readRecordsToList()) {
            summary.scored++;
            write(scoredFile, EventJson.toJson(record.value()));
        }
        for (TestRecord<String, LossWindow> record : windowsOut.readRecordsToList()) {
            if (record.value().getFinal$()) {
                summary.finalWindows++;
                write(windowsFile, EventJson.toJson(record.value()));
            }
        }
        for (TestRecord<String, Prediction> record : unlabeledOut.readRecordsToList()) {
            summary.unlabeled++;
            write(unlabeledFile, EventJson.toJson(record.value()));
        }
        for (TestRecord<String, DriftAlert> record : alertsOut.readRecordsToList()) {
            summary.alerts++;
            write(alertsFile, EventJson.toJson(record.value()));
        }
        for (TestRecord<byte[], byte[]> record : deadLettersOut.readRecordsToList()) {
            summary.deadLetters++;
            String reason = DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.REASON);
            if (DlqReason.LABEL_DOES_NOT_FIT.name().equals(reason)) {
                summary.rejectedPairs++;
            }
            write(deadLettersFile, deadLetterJson(record, reason));
        }
    }

    private ObjectNode deadLetterJson(TestRecord<byte[], byte[]> record, String reason) {
        ObjectNode dead = EventJson.MAPPER.createObjectNode();
        String topic = DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_TOPIC);
        dead.put("reason", reason);
        dead.put("detail", DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.DETAIL));
        dead.put("source", topic);
        dead.put("timestamp", record.timestamp());
        dead.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        try {
            Object event = settings.topics().labels().equals(topic)
                    ? serdes.label().deserializer().deserialize(topic, record.value())
                    : serdes.prediction().deserializer().deserialize(topic, record.value());
            dead.set("event", EventJson.toJson((org.apache.avro.specific.SpecificRecord) event));
        } catch (RuntimeException undecodable) {
            dead.put("valueBase64", record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()));
        }
        return dead;
    }

    private static void write(BufferedWriter file, JsonNode node) {
        try {
            file.write(node.toString());
            file.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Summary finish() {
        JoinCounts counts = JoinCounts.readFrom(meters);
        summary.duplicatePredictions = counts.duplicatePredictions();
        summary.duplicateLabels = counts.duplicateLabels();
        summary.conflicts = counts.labelConflicts();
        summary.pendingPredictions = pendingPredictions();
        summary.pendingLabels = pendingLabels();
        return summary;
    }

    @Override
    public void close() throws IOException {
        driver.close();
        for (BufferedWriter file : List.of(scoredFile, windowsFile, unlabeledFile, deadLettersFile, alertsFile)) {
            file.close();
        }
    }
}
