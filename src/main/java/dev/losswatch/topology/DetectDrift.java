package dev.losswatch.topology;

import dev.losswatch.alert.AlertConfiguration;
import dev.losswatch.alert.AlertStateCodec;
import dev.losswatch.alert.AlertSubject;
import dev.losswatch.alert.DriftMonitor;
import dev.losswatch.alert.LossMoments;
import dev.losswatch.alert.PreviousVersion;
import dev.losswatch.alert.WindowSummary;
import dev.losswatch.events.AlertState;
import dev.losswatch.events.Detector;
import dev.losswatch.events.DriftAlert;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.ScoredPrediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Runs drift detection per model version: every scored event, in label-arrival order, teaches the baseline
 * and feeds the sequential detector; every closed whole-model window of the judged size goes to the window test.
 * Each monitor lives in a store (so detection survives restarts exactly), each alert transition is published
 * once, and the latest transition of every alert is kept in a queryable store for {@code /api/alerts}.
 */
final class DetectDrift implements Processor<String, DetectDrift.Input, String, DriftAlert> {
    /** Monitor state per model version, and the latest version seen per model. */
    static final String MONITORS_STORE = "losswatch-alert-monitors";
    /** The latest transition of every alert: {@code model|version|sliceKey|sliceValue|detector} → DriftAlert. */
    static final String STATES_STORE = "losswatch-alert-states";

    /** What drift detection consumes, keyed by model. */
    sealed interface Input {
        record Scored(ScoredPrediction scored) implements Input {
        }

        record Window(LossWindow window) implements Input {
        }
    }

    private final AlertConfiguration configuration;
    private final long judgedWindowSizeMs;
    private final AlertMetrics metrics;
    private ProcessorContext<String, DriftAlert> context;
    private KeyValueStore<String, byte[]> monitors;
    private KeyValueStore<String, DriftAlert> states;

    DetectDrift(AlertConfiguration configuration, long judgedWindowSizeMs, AlertMetrics metrics) {
        this.configuration = configuration;
        this.judgedWindowSizeMs = judgedWindowSizeMs;
        this.metrics = metrics;
    }

    static List<StoreBuilder<?>> storeBuilders(boolean inMemory, Serde<DriftAlert> alertSerde) {
        StoreBuilder<KeyValueStore<String, byte[]>> monitors = Stores.keyValueStoreBuilder(
                inMemory ? Stores.inMemoryKeyValueStore(MONITORS_STORE) : Stores.persistentKeyValueStore(MONITORS_STORE),
                Serdes.String(), Serdes.ByteArray());
        StoreBuilder<KeyValueStore<String, DriftAlert>> states = Stores.keyValueStoreBuilder(
                inMemory ? Stores.inMemoryKeyValueStore(STATES_STORE) : Stores.persistentKeyValueStore(STATES_STORE),
                Serdes.String(), alertSerde);
        return inMemory
                ? List.of(monitors.withLoggingDisabled(), states.withLoggingDisabled())
                : List.of(monitors, states);
    }

    @Override
    public void init(ProcessorContext<String, DriftAlert> context) {
        this.context = context;
        this.monitors = context.getStateStore(MONITORS_STORE);
        this.states = context.getStateStore(STATES_STORE);
    }

    @Override
    public void process(Record<String, Input> record) {
        String modelId = record.key();
        Instant time = Instant.ofEpochMilli(record.timestamp());
        if (record.value() instanceof Input.Scored scored) {
            ScoredPrediction event = scored.scored();
            DriftMonitor monitor = monitorFor(event, time);
            publish(monitor.onScored(event.getLoss(), event.getWeight(), time, configuration.forModel(modelId)), time);
            save(modelId, event.getModelVersion(), monitor);
        } else {
            LossWindow window = ((Input.Window) record.value()).window();
            if (!window.getFinal$() || !window.getSliceKey().isEmpty() || window.getWindowSizeMs() != judgedWindowSizeMs
                    || window.getCount() == 0) {
                return;
            }
            byte[] state = monitors.get(monitorKey(modelId, window.getModelVersion()));
            if (state == null) {
                return;
            }
            DriftMonitor monitor = AlertStateCodec.decode(state);
            publish(monitor.onWindow(summary(window), time, configuration.forModel(modelId)), time);
            save(modelId, window.getModelVersion(), monitor);
        }
    }

    /** The version's monitor; a version seen for the first time starts one, knowing the baseline of the one it replaced. */
    private DriftMonitor monitorFor(ScoredPrediction event, Instant time) {
        String modelId = event.getModelId();
        String version = event.getModelVersion();
        byte[] state = monitors.get(monitorKey(modelId, version));
        if (state != null) {
            return AlertStateCodec.decode(state);
        }
        PreviousVersion previous = null;
        String latestKey = latestVersionKey(modelId);
        byte[] latest = monitors.get(latestKey);
        if (latest != null) {
            String previousVersion = new String(latest, StandardCharsets.UTF_8);
            byte[] previousState = monitors.get(monitorKey(modelId, previousVersion));
            if (previousState != null) {
                previous = AlertStateCodec.decode(previousState).baseline()
                        .map(baseline -> PreviousVersion.of(previousVersion, baseline)).orElse(null);
            }
        }
        monitors.put(latestKey, version.getBytes(StandardCharsets.UTF_8));
        metrics.register(modelId, version);
        return DriftMonitor.start(AlertSubject.of(modelId, version, event.getLogBase()), time, previous);
    }

    private void save(String modelId, String version, DriftMonitor monitor) {
        monitors.put(monitorKey(modelId, version), AlertStateCodec.encode(monitor));
    }

    private void publish(List<DriftAlert> alerts, Instant time) {
        for (DriftAlert alert : alerts) {
            states.put(String.join("|", alert.getModelId(), alert.getModelVersion(), alert.getSliceKey(),
                    alert.getSliceValue(), alert.getDetector().name()), alert);
            metrics.transition(alert);
            context.forward(new Record<>(alert.getModelId(), alert, time.toEpochMilli()));
        }
    }

    /**
     * A closed window as the window test sees it. A LossWindow carries the weighted population variance but not
     * Σw², so Σw² is taken as the count (exact for unit weights) or, with weights, as if they were equal.
     */
    static WindowSummary summary(LossWindow window) {
        long count = window.getCount();
        double weightSum = window.getWeightSum();
        double weightSquareSum = weightSum == count ? count : weightSum * weightSum / count;
        double populationVariance = window.getStdDevLoss() * window.getStdDevLoss();
        double denominator = weightSum - weightSquareSum / weightSum;
        double variance = denominator > 0 ? populationVariance * weightSum / denominator : 0.0;
        return new WindowSummary(window.getWindowStart(), window.getWindowEnd(),
                LossMoments.of(count, weightSum, weightSquareSum, window.getMeanLoss(), variance));
    }

    private static String monitorKey(String modelId, String version) {
        return "m\u0000" + modelId + '\u0000' + version;
    }

    private static String latestVersionKey(String modelId) {
        return "v\u0000" + modelId;
    }

    /** Alert state gauges and transition counters; every series exists from a version's first event. */
    static final class AlertMetrics {
        private final MeterRegistry meters;
        private final Map<Tags, AtomicInteger> states = new ConcurrentHashMap<>();

        AlertMetrics(MeterRegistry meters) {
            this.meters = meters;
        }

        void register(String modelId, String version) {
            for (Detector detector : Detector.values()) {
                state(modelId, version, detector);
                for (AlertState state : AlertState.values()) {
                    transitions(modelId, detector, state);
                }
            }
        }

        void transition(DriftAlert alert) {
            state(alert.getModelId(), alert.getModelVersion(), alert.getDetector()).set(alert.getState().ordinal());
            transitions(alert.getModelId(), alert.getDetector(), alert.getState()).increment();
        }

        private AtomicInteger state(String modelId, String version, Detector detector) {
            Tags tags = Tags.of("model", modelId, "version", version, "detector", detector.name());
            return states.computeIfAbsent(tags, t -> {
                AtomicInteger value = new AtomicInteger(AlertState.OK.ordinal());
                Gauge.builder("losswatch.alert.state", value, AtomicInteger::get).tags(t)
                        .description("Current alert state: 0 OK, 1 PENDING, 2 FIRING, 3 RESOLVED").register(meters);
                return value;
            });
        }

        private Counter transitions(String modelId, Detector detector, AlertState state) {
            return Counter.builder("losswatch.alert.transitions").description("Alert state changes published")
                    .tags("model", modelId, "detector", detector.name(), "state", state.name()).register(meters);
        }
    }
}
