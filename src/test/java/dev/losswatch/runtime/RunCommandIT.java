package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losswatch.events.DlqReason;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.testing.KafkaBrokerExtension;
import dev.losswatch.testing.KafkaTestClient;
import dev.losswatch.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code losswatch run} against a real broker: the startup checks, then the whole app as ops runs it, scoring
 * events and exporting every metric that the Prometheus rules and the Grafana dashboard query.
 */
@ExtendWith(KafkaBrokerExtension.class)
@DisplayName("losswatch run on a broker")
class RunCommandIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration RESULTS = Duration.ofSeconds(60);
    private static final Path QUERIED_METRICS = Path.of("deploy/queried-metrics.txt");

    private final EmbeddedKafka kafka;
    private final KafkaTestClient client;

    @TempDir
    Path dir;

    RunCommandIT(EmbeddedKafka kafka, KafkaTestClient client) {
        this.kafka = kafka;
        this.client = client;
    }

    private Path configFile(Map<String, String> settings) throws IOException {
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = Files.createTempFile(dir, "losswatch", ".properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, null);
        }
        return file;
    }

    private Map<String, String> settings(String name) {
        return TestInstances.settings(name, kafka.bootstrapServers(), dir.resolve("state"));
    }

    private static List<String> allTopics(Topics topics) {
        List<String> all = new ArrayList<>(topics.inputs());
        all.addAll(topics.outputs());
        return all;
    }

    /** {@code losswatch ARGS} in this JVM, on its own thread, as {@link Main} runs it; stopped by an interrupt. */
    private static final class InProcessRun implements AutoCloseable {
        private final StringWriter err = new StringWriter();
        private final AtomicInteger exitCode = new AtomicInteger(Integer.MIN_VALUE);
        private final Thread thread;

        InProcessRun(String... args) {
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> exitCode.set(cli.execute(args)), "losswatch-run-under-test");
            thread.start();
        }

        /** Waits for the command to end by itself and returns its exit code. */
        int awaitExit(Duration wait) throws InterruptedException {
            thread.join(wait.toMillis());
            assertThat(thread.isAlive()).as("losswatch run still running after %s; stderr: %s", wait, err).isFalse();
            return exitCode.get();
        }

        /** Asks the command to stop, as a signal would, and returns its exit code. */
        int stop() throws InterruptedException {
            thread.interrupt();
            return awaitExit(LosswatchApp.CLOSE_TIMEOUT.plusSeconds(10));
        }

        String err() {
            return err.toString();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    @Test
    void missingTopicsEndItWithExitCode1AndAreAllNamedWithTheCreateTopicsHint() throws Exception {
        Map<String, String> settings = settings("run-missing-topics");

        try (InProcessRun run = new InProcessRun("run", "--config", configFile(settings).toString())) {
            assertThat(run.awaitExit(STARTUP)).isEqualTo(1);
            assertThat(run.err()).contains(allTopics(TestInstances.topics("run-missing-topics")))
                    .contains("--create-topics").doesNotContain("\tat ");
        }
    }

    @Test
    void inputsWithDifferentPartitionCountsEndItWithExitCode1() throws Exception {
        Topics topics = TestInstances.topics("run-partitions");
        kafka.createTopics(4, allTopics(topics).stream().filter(topic -> !topic.equals(topics.labels())).toArray(String[]::new));
        kafka.createTopics(2, topics.labels());

        try (InProcessRun run = new InProcessRun("run", "--config", configFile(settings("run-partitions")).toString())) {
            assertThat(run.awaitExit(STARTUP)).isEqualTo(1);
            assertThat(run.err()).contains(topics.predictions() + " has 4 partition(s) but " + topics.labels() + " has 2")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void anUnreachableSchemaRegistryEndsItWithExitCode1() throws Exception {
        Map<String, String> settings = settings("run-no-registry");
        String nobody = "http://127.0.0.1:" + EmbeddedKafka.freeLoopbackPorts(1).get(0);
        settings.put(Setting.SCHEMA_REGISTRY_URL.key(), nobody);

        try (InProcessRun run = new InProcessRun("run", "--config", configFile(settings).toString(), "--create-topics")) {
            assertThat(run.awaitExit(STARTUP)).isEqualTo(1);
            assertThat(run.err()).contains("schema registry unreachable", nobody, "schema.registry.url").doesNotContain("\tat ");
        }
    }

    @Test
    @DisplayName("with --create-topics: starts, scores, answers queries and exports every metric ops query")
    void createsItsTopicsScoresAndExportsEveryQueriedMetric() throws Exception {
        String name = "run-scores";
        Topics topics = TestInstances.topics(name);
        Map<String, String> settings = settings(name);
        int port = EmbeddedKafka.freeLoopbackPorts(1).get(0);
        settings.put(Setting.HTTP_PORT.key(), Integer.toString(port));
        // an old prediction is past its horizon as soon as it arrives behind current ones: it comes out unlabeled
        settings.put(Setting.JOIN_HORIZON.key(), "10s");
        HttpTestClient http = new HttpTestClient(port);
        EventSerdes serdes = TestInstances.serdes(name);

        try (InProcessRun run = new InProcessRun("run", "--config", configFile(settings).toString(), "--create-topics")) {
            http.awaitReady(STARTUP);
            String beforeTraffic = http.get("/metrics").body();
            for (DlqReason reason : DlqReason.values()) {
                assertThat(beforeTraffic).contains("losswatch_dlq_total{reason=\"" + reason.name() + "\"} 0.0");
            }
            assertThat(beforeTraffic).contains("losswatch_duplicates_total{side=\"prediction\"} 0.0",
                    "losswatch_duplicates_total{side=\"label\"} 0.0", "losswatch_conflicts_total 0.0");

            Instant start = Instant.now();
            List<Prediction> predictions = new ArrayList<>();
            List<Label> labels = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Prediction prediction = Traffic.prediction("run-" + i, i % 2 == 0 ? "churn" : "fraud", "v" + (1 + i % 4 / 2), start);
                predictions.add(prediction);
                labels.add(Traffic.label(prediction.getPredictionId(), start.plusMillis(50)));
            }
            Traffic.sendPredictions(client, serdes, topics.predictions(), predictions);
            Traffic.sendLabels(client, serdes, topics.labels(), labels);
            Traffic.sendPredictions(client, serdes, topics.predictions(),
                    List.of(Traffic.prediction("run-never-labelled", "churn", "v1", start.minusSeconds(60))));

            List<ConsumerRecord<String, ScoredPrediction>> scored = client.awaitRecords(topics.scored(), 40,
                    new StringDeserializer(), serdes.scoredPrediction().deserializer(), RESULTS);
            assertThat(scored).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(predictions.stream().map(Prediction::getPredictionId).toList());
            assertThat(client.awaitRecords(topics.unlabeled(), 1, new StringDeserializer(), serdes.prediction().deserializer(), RESULTS))
                    .extracting(ConsumerRecord::key).containsExactly("run-never-labelled");

            assertThat(http.getJson("/api/models")).isEqualTo(HttpTestClient.parse(
                    "[{\"modelId\":\"churn\",\"versions\":[\"v1\",\"v2\"]},{\"modelId\":\"fraud\",\"versions\":[\"v1\",\"v2\"]}]"));
            JsonNode churnWindows = HttpTestClient.json(http.await(
                    "/api/models/churn/windows?size=1s&from=" + start.minusSeconds(120).toEpochMilli(), RESULTS,
                    "windows of churn holding its 20 scored events",
                    response -> response.statusCode() == 200 && scoredCount(HttpTestClient.json(response)) == 20));
            assertThat(churnWindows).allSatisfy(window -> assertThat(window.path("windowSizeMs").asLong()).isEqualTo(1000));

            assertThat(exportedMetricNames(http)).containsAll(requiredMetricNames());
            assertThat(run.stop()).as("exit code after a requested stop; stderr: %s", run.err()).isZero();
        }
    }

    @Test
    @DisplayName("as a process: SIGTERM closes it cleanly with exit code 0")
    void aSigtermClosesTheProcessCleanlyWithExitCode0() throws Exception {
        String name = "run-sigterm";
        kafka.createTopics(2, allTopics(TestInstances.topics(name)).toArray(String[]::new));
        Map<String, String> settings = settings(name);
        int port = EmbeddedKafka.freeLoopbackPorts(1).get(0);
        settings.put(Setting.HTTP_PORT.key(), Integer.toString(port));
        Path log = dir.resolve("losswatch-process.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlog4j2.configurationFile=log4j2.xml", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--config", configFile(settings).toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            new HttpTestClient(port).awaitReady(STARTUP);

            process.destroy();

            assertThat(process.waitFor(LosswatchApp.CLOSE_TIMEOUT.plusSeconds(15).toSeconds(), TimeUnit.SECONDS))
                    .as("process ended after SIGTERM; its output: %s", Files.readString(log)).isTrue();
            assertThat(process.exitValue()).as("exit code after SIGTERM; output: %s", Files.readString(log)).isZero();
            // with the production logging configuration: the closing is logged to its end
            assertThat(Files.readString(log)).contains("Stop requested: closing", "Kafka Streams PENDING_SHUTDOWN -> NOT_RUNNING",
                    "losswatch stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    private static long scoredCount(JsonNode windows) {
        return StreamSupport.stream(windows.spliterator(), false).mapToLong(window -> window.path("count").asLong()).sum();
    }

    /** The names of every metric that the dashboard and the rules in deploy/ query. */
    private static Set<String> requiredMetricNames() throws IOException {
        return Files.readAllLines(QUERIED_METRICS).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The names of the samples in /metrics; polls until the final windows' gauges are there too. */
    private static Set<String> exportedMetricNames(HttpTestClient http) {
        HttpResponse<String> metrics = http.await("/metrics", RESULTS, "the gauges of closed windows",
                response -> response.body().contains("losswatch_window_mean_loss{"));
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(HttpApi.PROMETHEUS_CONTENT_TYPE);
        Set<String> names = new HashSet<>();
        for (String line : metrics.body().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
