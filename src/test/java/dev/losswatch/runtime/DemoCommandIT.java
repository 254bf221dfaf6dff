package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo as a user runs it, in this JVM: its own broker, losswatch and the traffic, with the regression
 * after 10 s. It must show figures, publish final windows, make the regression visible, and leave nothing behind.
 */
@DisplayName("losswatch demo")
class DemoCommandIT {
    private static final Duration REGRESSION_AFTER = Duration.ofSeconds(10);
    /** The first window that starts after the regression closes at most 10 + 10 + 5 s (grace) later, plus commits. */
    private static final Duration RESULTS = Duration.ofSeconds(45);
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final String REGRESSING = DemoModel.regressing().modelId();

    private final List<String> announcements = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    @DisplayName("shows growing figures, closes 10s windows, makes the regression visible and removes its directory")
    void showsTheRegressionAndCleansUp() throws Exception {
        Demo demo = Demo.start(new Demo.Options(200, REGRESSION_AFTER, 0), announcements::add);
        DemoDashboard dashboard = new DemoDashboard(demo.app().meterRegistry(), demo.dashboardWindow());
        // the demo runs with the default topic names
        Topics topics = Topics.DEFAULTS;
        EventSerdes serdes = new EventSerdes(Map.of(Setting.SCHEMA_REGISTRY_URL.key(), "mock://" + Demo.REGISTRY_SCOPE));
        List<Double> scoredOverTime = new ArrayList<>();
        LossLevels levels = new LossLevels();
        try (demo; KafkaConsumer<byte[], byte[]> consumer = committedReader(demo.bootstrapServers())) {
            assignAll(consumer, topics.scored(), topics.windows());
            long deadline = System.nanoTime() + RESULTS.toNanos();
            long nextFigures = 0;
            while (System.nanoTime() < deadline && !levels.complete()) {
                if (System.nanoTime() >= nextFigures) {
                    scoredOverTime.add(scored(dashboard.figures(demo.traffic().counts())));
                    nextFigures = System.nanoTime() + DemoCommand.REFRESH.toNanos();
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(topics.scored())) {
                        levels.add(serdes.scoredPrediction().deserializer().deserialize(record.topic(), record.value()),
                                demo.traffic().regressionStart().orElse(Instant.MAX));
                    } else {
                        levels.add(serdes.lossWindow().deserializer().deserialize(record.topic(), record.value()),
                                demo.traffic().regressionStart().orElse(Instant.MAX));
                    }
                }
            }
            assertThat(demo.traffic().failure()).isEmpty();
        }

        assertThat(scoredOverTime).as("scored events at each refresh").hasSizeGreaterThan(2);
        assertThat(scoredOverTime.get(scoredOverTime.size() - 1)).isGreaterThan(scoredOverTime.get(1));
        assertThat(announcements).singleElement().asString().contains("Regression injected", REGRESSING);
        assertThat(levels.finalWindows).as("final %s windows of %s", WINDOW, REGRESSING).isNotEmpty();
        assertThat(levels.preRegressionCount).as("%s events predicted before the regression and scored", REGRESSING)
                .isGreaterThan(200);
        assertThat(levels.postRegression).as("final %s windows of %s that started after the regression", WINDOW, REGRESSING)
                .isNotEmpty();
        double before = levels.preRegressionMean();
        assertThat(levels.postRegression.get(0).getMeanLoss())
                .as("mean loss of the first window after the regression, against %.3f before it", before)
                .isGreaterThan(1.3 * before);
        assertThat(demo.workDir()).doesNotExist();
    }

    /**
     * The regressing model's loss before the regression, from every event it predicted before and that
     * losswatch scored (large and exact), and its final windows.
     */
    private static final class LossLevels {
        private final List<LossWindow> finalWindows = new ArrayList<>();
        private final List<LossWindow> postRegression = new ArrayList<>();
        private double preRegressionLossSum;
        private long preRegressionCount;

        void add(ScoredPrediction scored, Instant regressionStart) {
            if (scored.getModelId().equals(REGRESSING) && scored.getPredictionTimestamp().isBefore(regressionStart)) {
                preRegressionLossSum += scored.getLoss();
                preRegressionCount++;
            }
        }

        void add(LossWindow window, Instant regressionStart) {
            if (!window.getModelId().equals(REGRESSING) || !window.getFinal$() || !window.getSliceKey().isEmpty()
                    || window.getWindowSizeMs() != WINDOW.toMillis()) {
                return;
            }
            finalWindows.add(window);
            if (!window.getWindowStart().isBefore(regressionStart)) {
                postRegression.add(window);
            }
        }

        boolean complete() {
            return !postRegression.isEmpty();
        }

        double preRegressionMean() {
            return preRegressionLossSum / preRegressionCount;
        }
    }

    private static double scored(DemoDashboard.Figures figures) {
        return figures.models().stream().mapToDouble(DemoDashboard.ModelFigures::scored).sum();
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void assignAll(KafkaConsumer<byte[], byte[]> consumer, String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }
}
