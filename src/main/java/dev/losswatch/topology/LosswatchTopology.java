package dev.losswatch.topology;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.LossWindow;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.join.PredictionLabelJoin;
import dev.losswatch.join.PredictionLabelJoin.JoinStreams;
import io.micrometer.core.instrument.Counter;
import dev.losswatch.window.LossWindows;
import dev.losswatch.window.WindowInput;
import dev.losswatch.window.WindowKey;
import dev.losswatch.window.WindowOutputs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * losswatch's topology, built by one plain function from its settings:
 * <pre>
 * predictions ─ validate ─┐                       ┌─> scored
 *                         ├─ join ─ score ────────┤
 * labels ────── validate ─┘    │                  └─> by model ─> windows ─> drift detection ─> alerts
 *                              ├─> unlabeled (horizon passed)
 *                              └─> dead letters (orphan labels)
 * </pre>
 * Records rejected anywhere are dead-lettered by Kafka Streams' exception handlers
 * ({@link DeadLetterDeserializationHandler}, {@link DeadLetterProcessingHandler}). Every node, store and
 * internal topic has an explicit name, so upgrades never orphan state.
 */
public final class LosswatchTopology {
    public static final String PREDICTIONS_SOURCE = "losswatch-predictions-source";
    public static final String LABELS_SOURCE = "losswatch-labels-source";
    /** Queryable: the latest transition of every alert, keyed {@code model|version|sliceKey|sliceValue|detector}. */
    public static final String ALERT_STATES_STORE = DetectDrift.STATES_STORE;

    private LosswatchTopology() {
    }

    /**
     * The Kafka Streams settings this topology relies on, to lay over the user's: bad records go to the
     * dead-letter topic through Kafka Streams' own handlers (which count them in {@code meters}), and every
     * internal resource must be named explicitly.
     */
    public static Map<String, Object> requiredStreamsConfig(Topics topics, MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>();
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        config.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        config.put(DeadLetters.METER_REGISTRY_CONFIG, meters);
        return config;
    }

    public static Topology build(TopologySettings settings, EventSerdes serdes, MeterRegistry meters) {
        StreamsBuilder builder = new StreamsBuilder();
        Topics topics = settings.topics();
        boolean keyed = !settings.rekeyInputs();

        KStream<String, Prediction> predictions = builder
                .stream(topics.predictions(), Consumed.with(Serdes.String(), serdes.prediction()).withName(PREDICTIONS_SOURCE))
                .processValues(() -> ValidateEvents.predictions(keyed, settings.maxClasses()),
                        Named.as("losswatch-validate-predictions"));
        KStream<String, Label> labels = builder
                .stream(topics.labels(), Consumed.with(Serdes.String(), serdes.label()).withName(LABELS_SOURCE))
                .processValues(() -> ValidateEvents.labels(keyed, settings.maxClasses()),
                        Named.as("losswatch-validate-labels"));
        if (settings.rekeyInputs()) {
            predictions = predictions
                    .selectKey((key, prediction) -> prediction.getPredictionId(), Named.as("losswatch-key-predictions-by-id"))
                    .repartition(Repartitioned.<String, Prediction>as("losswatch-predictions-by-id")
                            .withKeySerde(Serdes.String()).withValueSerde(serdes.prediction()));
            labels = labels
                    .selectKey((key, label) -> label.getPredictionId(), Named.as("losswatch-key-labels-by-id"))
                    .repartition(Repartitioned.<String, Label>as("losswatch-labels-by-id")
                            .withKeySerde(Serdes.String()).withValueSerde(serdes.label()));
        }

        JoinStreams join = PredictionLabelJoin.addTo(builder, predictions, labels, settings.join(),
                serdes.prediction(), serdes.label(), meters);
        KStream<String, ScoredPrediction> scored = join.joined().processValues(
                () -> new ScoreJoinedEvents(settings.scoring(), settings.maxClasses(), meters), Named.as("losswatch-score"));

        scored.to(topics.scored(), Produced.with(Serdes.String(), serdes.scoredPrediction()).withName("losswatch-scored-sink"));

        KStream<String, ModelEvent> byModel = modelEvents(settings, join.accepted(), scored)
                .repartition(Repartitioned.<String, ModelEvent>as("losswatch-events-by-model")
                        .withKeySerde(Serdes.String()).withValueSerde(ModelEvent.serde(serdes.scoredPrediction())));
        builder.addStateStore(SliceWindowInputs.storeBuilder(settings.inMemoryStores()));
        KStream<WindowKey, WindowInput> windowInputs = byModel.process(
                () -> new SliceWindowInputs(settings.slices(), settings.windows().timeBasis()),
                Named.as("losswatch-slice"), SliceWindowInputs.STORE);
        WindowOutputs<String, LossWindow> windows = LossWindows.addTo(LossWindows.DEFAULT_NAME, windowInputs,
                settings.windows(), meters);
        WindowMetrics windowMetrics = new WindowMetrics(meters);
        windows.results()
                .peek((modelId, window) -> windowMetrics.record(window), Named.as("losswatch-window-metrics"))
                .to(topics.windows(), Produced.with(Serdes.String(), serdes.lossWindow()).withName("losswatch-windows-sink"));

        // drift detection: per-event losses in label-arrival order, and closed windows of the smallest size
        KStream<String, DetectDrift.Input> alertEvents = byModel.flatMapValues(
                event -> event instanceof ModelEvent.Scored scoredEvent
                        ? List.<DetectDrift.Input>of(new DetectDrift.Input.Scored(scoredEvent.scored()))
                        : List.<DetectDrift.Input>of(),
                Named.as("losswatch-alert-events"));
        KStream<String, DetectDrift.Input> alertWindows = windows.results()
                .mapValues(window -> (DetectDrift.Input) new DetectDrift.Input.Window(window), Named.as("losswatch-alert-windows"));
        List<String> alertStores = new ArrayList<>();
        for (StoreBuilder<?> store : DetectDrift.storeBuilders(settings.inMemoryStores(), serdes.driftAlert())) {
            builder.addStateStore(store);
            alertStores.add(store.name());
        }
        long judgedWindowMs = settings.windows().sizes().get(0).toMillis();
        DetectDrift.AlertMetrics alertMetrics = new DetectDrift.AlertMetrics(meters);
        alertEvents.merge(alertWindows, Named.as("losswatch-alert-inputs"))
                .process(() -> new DetectDrift(settings.alerts(), judgedWindowMs, alertMetrics),
                        Named.as("losswatch-detect-drift"), alertStores.toArray(String[]::new))
                .to(topics.alerts(), Produced.with(Serdes.String(), serdes.driftAlert()).withName("losswatch-alerts-sink"));
        join.unlabeled().to(topics.unlabeled(),
                Produced.with(Serdes.String(), serdes.prediction()).withName("losswatch-unlabeled-sink"));
        Counter orphans = DeadLetters.counter(meters, DlqReason.ORPHAN_LABEL);
        join.orphanLabels()
                .peek((key, label) -> orphans.increment(), Named.as("losswatch-count-orphan-labels"))
                .to(topics.deadLetters(), Produced.with(Serdes.String(), serdes.label()).withName("losswatch-orphan-labels-sink"));
        return builder.build();
    }

    /**
     * Everything the model-partitioned stages need, keyed by model: each scored event, and a sighting of each
     * accepted prediction with only the attributes that slices use.
     */
    private static KStream<String, ModelEvent> modelEvents(TopologySettings settings, KStream<String, Prediction> accepted,
                                                           KStream<String, ScoredPrediction> scored) {
        List<String> sliceAttributes = settings.slices().attributes();
        KStream<String, ModelEvent> seen = accepted.map((predictionId, prediction) -> {
            Map<String, String> attributes = new HashMap<>();
            for (String attribute : sliceAttributes) {
                String value = prediction.getAttributes().get(attribute);
                if (value != null) {
                    attributes.put(attribute, value);
                }
            }
            return KeyValue.pair(prediction.getModelId(), new ModelEvent.Seen(prediction.getModelVersion(), attributes));
        }, Named.as("losswatch-predictions-seen"));
        KStream<String, ModelEvent> scoredEvents = scored.map(
                (predictionId, event) -> KeyValue.pair(event.getModelId(), new ModelEvent.Scored(event)),
                Named.as("losswatch-scored-events"));
        return seen.merge(scoredEvents, Named.as("losswatch-model-events"));
    }
}
