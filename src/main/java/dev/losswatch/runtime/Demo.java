package dev.losswatch.runtime;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.registry.MockSchemaRegistry;
import dev.losswatch.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code losswatch demo} runs, in this JVM and under one temporary directory: an {@link EmbeddedKafka}
 * broker with the topics, a {@link LosswatchApp} on it with settings that make things move within seconds, and a
 * {@link TrafficGenerator} feeding it. {@link #close()} stops them in that order's reverse and removes the directory.
 */
final class Demo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    static final String REGISTRY_SCOPE = "demo";
    static final int PARTITIONS = 4;
    /** The demo's state is thrown away with its directory: there is nothing to wait long for. */
    private static final Duration APP_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Settings that show results within seconds rather than the minutes and hours of the defaults; docs/demo.md
     * explains each.
     */
    static final Map<String, String> FAST_SETTINGS = fastSettings();

    private final Path workDir;
    private final EmbeddedKafka kafka;
    private final LosswatchApp app;
    private final TrafficGenerator traffic;
    private final Duration dashboardWindow;
    private boolean closed;

    /** What the user may choose. */
    record Options(double eventsPerSecond, Duration regressionAfter, int httpPort) {
        /** Checked before anything starts, so that a mistyped option costs no broker start. */
        Options {
            TrafficGenerator.requireValid(eventsPerSecond, regressionAfter);
            if (httpPort < 0 || httpPort > 65_535) {
                throw new IllegalArgumentException("the HTTP port must be 0 (any free port) to 65535, got " + httpPort);
            }
        }
    }

    private Demo(Path workDir, EmbeddedKafka kafka, LosswatchApp app, TrafficGenerator traffic, Duration dashboardWindow) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.app = app;
        this.traffic = traffic;
        this.dashboardWindow = dashboardWindow;
    }

    /**
     * Starts the broker, creates the topics, starts losswatch and the traffic; returns once the traffic flows
     * (losswatch may still be joining its group). On failure, what was started is stopped again.
     *
     * @param announcements told, in one line each, what happens in the demo (the regression)
     * @throws IOException when the HTTP port cannot be bound or the temporary directory cannot be created
     */
    static Demo start(Options options, Consumer<String> announcements) throws IOException {
        Path workDir = Files.createTempDirectory("losswatch-demo-");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"), Map.of());
            started.add(kafka);
            LosswatchConfig config = config(options, kafka.bootstrapServers(), workDir.resolve("state"));
            Topics topics = TopologyConfig.settings(config).topics();
            List<String> names = new ArrayList<>(topics.inputs());
            names.addAll(topics.outputs());
            kafka.createTopics(PARTITIONS, names.toArray(String[]::new));
            LosswatchApp app = LosswatchApp.start(config);
            started.add(0, app);
            TrafficGenerator traffic = TrafficGenerator.start(kafka.bootstrapServers(),
                    new EventSerdes(config.registryProperties()), topics, options.eventsPerSecond(),
                    options.regressionAfter(), announcements);
            return new Demo(workDir, kafka, app, traffic, Collections.min(config.getDurations(Setting.WINDOW_SIZES)));
        } catch (IOException | RuntimeException e) {
            started.forEach(Demo::closeQuietly);
            deleteWorkDir(workDir);
            MockSchemaRegistry.dropScope(REGISTRY_SCOPE);
            throw e;
        }
    }

    static LosswatchConfig config(Options options, String bootstrapServers, Path stateDir) {
        Map<String, String> settings = new LinkedHashMap<>(FAST_SETTINGS);
        settings.put(Setting.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        settings.put(Setting.STATE_DIR.key(), stateDir.toString());
        settings.put(Setting.SCHEMA_REGISTRY_URL.key(), MockSchemaRegistry.URL_SCHEME + REGISTRY_SCOPE);
        settings.put(Setting.HTTP_PORT.key(), Integer.toString(options.httpPort()));
        return LosswatchConfig.of(settings);
    }

    private static Map<String, String> fastSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(Setting.WINDOW_SIZES.key(), "10s,1m");
        settings.put(Setting.WINDOW_GRACE.key(), "5s");
        settings.put(Setting.WINDOW_EMIT_INTERVAL.key(), "2s");
        settings.put(Setting.JOIN_HORIZON.key(), "2m");
        settings.put(Setting.JOIN_LABEL_WAIT.key(), "1m");
        settings.put("commit.interval.ms", "500");
        // a baseline learned in the first minute instead of the first hour, so the regression meets a frozen one
        settings.put("alerts.reference.min-events", "3000");
        settings.put("alerts.reference.min-duration", "45s");
        settings.put("alerts.reference.max-relative-error", "0.05");
        settings.put("alerts.reference.max-events", "6000");
        return Map.copyOf(settings);
    }

    LosswatchApp app() {
        return app;
    }

    TrafficGenerator traffic() {
        return traffic;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    Path workDir() {
        return workDir;
    }

    /** The smallest window size: the one the dashboard shows. */
    Duration dashboardWindow() {
        return dashboardWindow;
    }

    /** Stops the traffic, losswatch and the broker, and removes the temporary directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            traffic.close();
            if (!app.close(APP_CLOSE_TIMEOUT)) {
                LOG.warn("losswatch did not close within {}; its state is removed anyway", APP_CLOSE_TIMEOUT);
            }
            kafka.close();
        } finally {
            deleteWorkDir(workDir);
            MockSchemaRegistry.dropScope(REGISTRY_SCOPE);
        }
    }

    private static void closeQuietly(AutoCloseable started) {
        try {
            started.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} after a failed start failed", started.getClass().getSimpleName(), e);
        }
    }

    private static void deleteWorkDir(Path workDir) {
        try {
            Utils.delete(workDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the demo's directory " + workDir, e);
        }
    }
}
