package dev.losswatch.topology;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.scoring.EventScorer;
import dev.losswatch.scoring.ScoreResult;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Lets through only events that are valid on their own, so that the join keeps no state for garbage: the
 * others are rejected with their reason (and so dead-lettered with their original bytes). When the inputs are
 * used as keyed, a record must be keyed by its own predictionId, or the join would silently miss it on
 * another partition.
 */
final class ValidateEvents<V> implements FixedKeyProcessor<String, V, V> {
    /** What a kind of event is checked against. */
    interface Rule<V> {
        boolean check(EventScorer scorer, V event, ScoreResult out);
    }

    private final String kind;
    private final Function<V, String> predictionId;
    private final Rule<V> rule;
    private final boolean requireKeyedByPredictionId;
    private final int maxClasses;
    private FixedKeyProcessorContext<String, V> context;
    private EventScorer scorer;
    private final ScoreResult result = new ScoreResult();

    private ValidateEvents(String kind, Function<V, String> predictionId, Rule<V> rule,
                           boolean requireKeyedByPredictionId, int maxClasses) {
        this.kind = kind;
        this.predictionId = predictionId;
        this.rule = rule;
        this.requireKeyedByPredictionId = requireKeyedByPredictionId;
        this.maxClasses = maxClasses;
    }

    static ValidateEvents<Prediction> predictions(boolean requireKeyedByPredictionId, int maxClasses) {
        return new ValidateEvents<>("prediction", Prediction::getPredictionId, EventScorer::checkPrediction,
                requireKeyedByPredictionId, maxClasses);
    }

    static ValidateEvents<Label> labels(boolean requireKeyedByPredictionId, int maxClasses) {
        return new ValidateEvents<>("label", Label::getPredictionId, EventScorer::checkLabel,
                requireKeyedByPredictionId, maxClasses);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.scorer = new EventScorer(maxClasses);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        V event = record.value();
        if (event == null) {
            throw new InvalidEventException(DlqReason.MISSING_KEY_OR_VALUE,
                    "record with key '" + record.key() + "' has no value where a " + kind + " was expected");
        }
        String id = predictionId.apply(event);
        if (requireKeyedByPredictionId && !id.equals(record.key())) {
            throw new InvalidEventException(DlqReason.MISSING_KEY_OR_VALUE, (record.key() == null
                    ? kind + " " + id + " has no record key"
                    : kind + " " + id + " is keyed '" + record.key() + "'")
                    + ": input topics must be keyed by predictionId, or set input.rekey=true");
        }
        if (!rule.check(scorer, event, result)) {
            throw new InvalidEventException(result.invalidKind().dlqReason(),
                    kind + " " + id + ": " + result.invalidReason());
        }
        context.forward(record);
    }
}
