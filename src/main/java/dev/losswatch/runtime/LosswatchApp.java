package dev.losswatch.runtime;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.topology.LosswatchTopology;
import dev.losswatch.topology.TopologySettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running losswatch instance: Kafka Streams running the topology of {@link LosswatchTopology}, the
 * Prometheus meter registry everything counts into, and the HTTP API on {@code http.bind}:{@code http.port}.
 * It assumes that the brokers are reachable and the topics exist ({@link RunCommand} checks that first).
 *
 * <p>Kafka Streams' {@code application.server} is this instance's HTTP address, so that the query endpoints can
 * ask the other instances for their partitions. With {@code http.bind} a wildcard address it is the host name,
 * and where other instances must use yet another address, set {@code application.server} explicitly.
 */
public final class LosswatchApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LosswatchApp.class);

    /** How long {@link #close()} waits for Kafka Streams to commit and close its stores. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final PrometheusMeterRegistry meters;
    private final HttpApi http;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
    private boolean closed;

    private LosswatchApp(LosswatchConfig config) throws IOException {
        TopologySettings settings = TopologyConfig.settings(config);
        EventSerdes serdes = new EventSerdes(config.registryProperties());
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registerDocumentedCounters(meters);
        Topology topology = LosswatchTopology.build(settings, serdes, meters);
        String token = config.get(Setting.HTTP_TOKEN);
        try {
            http = HttpApi.bind(config.get(Setting.HTTP_BIND), config.getInt(Setting.HTTP_PORT), token);
        } catch (IOException | RuntimeException e) {
            meters.close();
            throw e;
        }
        KafkaStreams created = null;
        try {
            String applicationServer = applicationServer(config, http.port());
            Map<String, Object> streamsConfig = new HashMap<>(config.kafkaProperties());
            streamsConfig.putAll(LosswatchTopology.requiredStreamsConfig(settings.topics(), meters));
            streamsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
            Properties properties = new Properties();
            properties.putAll(streamsConfig);
            created = new KafkaStreams(topology, properties);
            streams = created;
            streams.setUncaughtExceptionHandler(exception -> {
                LOG.error("A stream thread died; replacing it, and its tasks resume from their last commit", exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.setStateListener((newState, oldState) -> {
                LOG.info("Kafka Streams {} -> {}", oldState, newState);
                if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                    stopped.complete(newState);
                }
            });
            streamsMetrics = new KafkaStreamsMetrics(streams);
            InteractiveQueries queries = new InteractiveQueries(streams, topology.describe(),
                    HostInfo.buildFromEndpoint(applicationServer), settings.windows(), new PeerClient(token), Clock.systemUTC());
            http.start(streams, meters, queries);
        } catch (RuntimeException e) {
            if (created != null) {
                created.close(Duration.ZERO);
            }
            http.close();
            meters.close();
            throw e;
        }
    }

    /**
     * Starts losswatch: binds the HTTP port, starts Kafka Streams and returns while it joins the group
     * (watch {@code /health/ready} or {@link #kafkaStreams()}'s state).
     *
     * @throws IOException              when the HTTP port cannot be bound (the message names the address)
     * @throws IllegalArgumentException when a setting is invalid (the message names it and its value)
     */
    public static LosswatchApp start(LosswatchConfig config) throws IOException {
        LOG.info("Starting losswatch with configuration {}", config.redacted());
        LosswatchApp app = new LosswatchApp(config);
        try {
            app.bindMeters();
            app.streams.start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** The port the HTTP API listens on: {@code http.port}, or the one chosen when that is 0. */
    public int httpPort() {
        return http.port();
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meters;
    }

    /** Completes when Kafka Streams stops by itself (ERROR) or is closed (NOT_RUNNING), with that state. */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped.copy();
    }

    /** {@link #close(Duration)} with {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /**
     * Closes Kafka Streams (committing, closing its stores and leaving the group so that the other instances
     * take over its tasks at once rather than after the session timeout), then the HTTP API and the meters.
     * The HTTP API answers until Kafka Streams is closed, so probes see PENDING_SHUTDOWN meanwhile. Idempotent.
     *
     * @return whether Kafka Streams closed within {@code timeout}
     */
    public synchronized boolean close(Duration timeout) {
        if (closed) {
            return true;
        }
        closed = true;
        boolean clean = streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (!clean) {
            LOG.warn("Kafka Streams did not close within {}; its last transaction is aborted on restart", timeout);
        }
        streamsMetrics.close();
        gcMetrics.close();
        http.close();
        meters.close();
        LOG.info("losswatch stopped");
        return clean;
    }

    private void bindMeters() {
        streamsMetrics.bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        gcMetrics.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
    }

    /**
     * The labelled counters of docs/metrics.md whose labels are known in advance, at 0, so that every series
     * exists before the first event: a dashboard or an alert on {@code rate()} then sees 0, not "no data".
     * The stages register the same name and tags again and get these counters back.
     */
    private static void registerDocumentedCounters(MeterRegistry meters) {
        for (DlqReason reason : DlqReason.values()) {
            Counter.builder("losswatch.dlq").description("Records sent to the dead-letter topic, by reason")
                    .tag("reason", reason.name()).register(meters);
        }
        for (String side : List.of("prediction", "label")) {
            Counter.builder("losswatch.duplicates").description("Duplicate events dropped")
                    .tag("side", side).register(meters);
        }
        Counter.builder("losswatch.conflicts").description("Labels that disagree with the label already used")
                .register(meters);
    }

    /**
     * Where the other instances reach this one: {@code application.server} when set, otherwise the HTTP
     * address, with the host name in place of a wildcard bind address.
     */
    static String applicationServer(LosswatchConfig config, int httpPort) {
        String configured = config.raw(StreamsConfig.APPLICATION_SERVER_CONFIG);
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String bind = config.get(Setting.HTTP_BIND);
        try {
            return (isWildcard(bind) ? InetAddress.getLocalHost().getHostName() : bind) + ":" + httpPort;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("http.bind = '" + bind + "' listens on every interface, and this host's "
                    + "name cannot be resolved to tell the other instances where to reach this one: set "
                    + StreamsConfig.APPLICATION_SERVER_CONFIG + "=<host>:<port>", e);
        }
    }

    private static boolean isWildcard(String bind) {
        try {
            return InetAddress.getByName(bind).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            // a name that does not resolve cannot be bound either; HttpApi.bind reports it
            return false;
        }
    }
}
