package dev.losswatch.topology;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.EventSerdes;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.join.PredictionLabelJoin;
import dev.losswatch.join.PredictionLabelJoin.JoinStreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * losswatch's topology, built by one plain function from its settings:
 * <pre>
 * predictions ─ validate ─┐                       ┌─> scored
 *                         ├─ join ─ score ────────┤
 * labels ────── validate ─┘    │                  └─> windows, alerts
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

    private LosswatchTopology() {
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
        join.unlabeled().to(topics.unlabeled(),
                Produced.with(Serdes.String(), serdes.prediction()).withName("losswatch-unlabeled-sink"));
        Counter orphans = DeadLetters.counter(meters, DlqReason.ORPHAN_LABEL);
        join.orphanLabels()
                .peek((key, label) -> orphans.increment(), Named.as("losswatch-count-orphan-labels"))
                .to(topics.deadLetters(), Produced.with(Serdes.String(), serdes.label()).withName("losswatch-orphan-labels-sink"));
        return builder.build();
    }
}
