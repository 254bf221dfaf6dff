package dev.losswatch.join;

import dev.losswatch.events.DeadLetterHeaders;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Adds the prediction-label join to a topology: each predictionId's prediction and label are joined once,
 * whichever arrives first; a prediction without a label within the horizon comes out unlabeled; a label
 * without a prediction within the label wait comes out as an orphan for the dead-letter topic. See
 * docs/join.md for the rules on duplicates, conflicts and expiry.
 *
 * <p>Every processor and store has a fixed name (the constants below), so the topology passes
 * {@code ensure.explicit.internal.resource.naming=true} and state survives upgrades. The changelog of
 * each store is {@code <application.id>-<store name>-changelog}. The names are fixed, so the join can be
 * added once per topology.
 */
public final class PredictionLabelJoin {

    /** Waiting predictions by predictionId; query with {@code QueryableStoreTypes.keyValueStore()} for {@link Prediction} values. */
    public static final String PENDING_PREDICTIONS_STORE = "losswatch-join-pending-predictions";
    /** Waiting labels by predictionId; query with {@code QueryableStoreTypes.keyValueStore()} for {@link Label} values. */
    public static final String PENDING_LABELS_STORE = "losswatch-join-pending-labels";
    /** What each recently joined or unlabeled predictionId ended as, to recognise later copies. */
    public static final String SETTLED_STORE = "losswatch-join-settled";
    /** Expiry time + kind + predictionId of every entry of the three stores above. */
    public static final String EXPIRY_INDEX_STORE = "losswatch-join-expiry-index";

    public static final String WRAP_PREDICTIONS_NODE = "losswatch-join-wrap-predictions";
    public static final String WRAP_LABELS_NODE = "losswatch-join-wrap-labels";
    public static final String MERGE_NODE = "losswatch-join-merge";
    public static final String PROCESSOR_NODE = "losswatch-join";
    /** The processor's named children; they only narrow the value type of what the processor sends each of them. */
    public static final String JOINED_NODE = "losswatch-join-joined";
    public static final String UNLABELED_NODE = "losswatch-join-unlabeled";
    public static final String ORPHAN_LABELS_NODE = "losswatch-join-orphan-labels";
    public static final String ACCEPTED_PREDICTIONS_NODE = "losswatch-join-accepted-predictions";

    /**
     * The outputs of the join, all keyed by predictionId.
     *
     * @param joined       one pair per predictionId, timestamped like the record that completed it
     * @param unlabeled    predictions whose horizon passed without a label, timestamped with that moment
     * @param orphanLabels labels that could not be joined, with the dead-letter headers of {@link DeadLetterHeaders}
     * @param accepted     the first copy of each prediction, as it arrives: what label coverage counts
     */
    public record JoinStreams(KStream<String, JoinedEvent> joined, KStream<String, Prediction> unlabeled,
                              KStream<String, Label> orphanLabels, KStream<String, Prediction> accepted) {
    }

    private PredictionLabelJoin() {
    }

    /**
     * @param predictions     valid predictions keyed by predictionId, co-partitioned with {@code labels}
     * @param labels          valid labels keyed by predictionId
     * @param predictionSerde serde of the waiting-prediction store and its changelog
     * @param labelSerde      serde of the waiting-label store and its changelog
     * @param meterRegistry   where the join's counters go; {@link JoinCounts#readFrom} reads them back
     */
    public static JoinStreams addTo(StreamsBuilder builder, KStream<String, Prediction> predictions, KStream<String, Label> labels,
                                    JoinSettings settings, Serde<Prediction> predictionSerde, Serde<Label> labelSerde,
                                    MeterRegistry meterRegistry) {
        return addTo(builder, predictions, labels, settings, predictionSerde, labelSerde, meterRegistry, UnaryOperator.identity());
    }

    /** As the public overload, with the time-index store's supplier wrapped, so tests can watch what a scan reads. */
    static JoinStreams addTo(StreamsBuilder builder, KStream<String, Prediction> predictions, KStream<String, Label> labels,
                             JoinSettings settings, Serde<Prediction> predictionSerde, Serde<Label> labelSerde,
                             MeterRegistry meterRegistry, UnaryOperator<KeyValueBytesStoreSupplier> expiryIndexDecorator) {
        List<StoreBuilder<?>> stores = JoinStores.builders(settings, predictionSerde, labelSerde, expiryIndexDecorator);
        stores.forEach(builder::addStateStore);

        KStream<String, JoinInput> inputs = predictions
                .<JoinInput>mapValues(JoinInput.OfPrediction::new, Named.as(WRAP_PREDICTIONS_NODE))
                .merge(labels.<JoinInput>mapValues(JoinInput.OfLabel::new, Named.as(WRAP_LABELS_NODE)), Named.as(MERGE_NODE));
        KStream<String, Object> outputs = inputs.process(
                () -> new JoinProcessor(settings, new JoinMetrics(meterRegistry)),
                Named.as(PROCESSOR_NODE),
                stores.stream().map(StoreBuilder::name).toArray(String[]::new));
        return new JoinStreams(
                outputs.mapValues(JoinedEvent.class::cast, Named.as(JOINED_NODE)),
                outputs.mapValues(Prediction.class::cast, Named.as(UNLABELED_NODE)),
                outputs.mapValues(Label.class::cast, Named.as(ORPHAN_LABELS_NODE)),
                outputs.mapValues(Prediction.class::cast, Named.as(ACCEPTED_PREDICTIONS_NODE)));
    }
}
