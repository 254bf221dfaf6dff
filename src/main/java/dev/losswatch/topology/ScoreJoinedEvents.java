package dev.losswatch.topology;

import dev.losswatch.events.InvalidEventException;
import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.join.JoinedEvent;
import dev.losswatch.scoring.EventScorer;
import dev.losswatch.scoring.ModelScoring;
import dev.losswatch.scoring.ScoreResult;
import dev.losswatch.scoring.ScoringSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Scores each joined pair with its model's settings. A label that cannot apply to its prediction (a class
 * out of range, a name the prediction does not list, a distribution of the wrong length) is rejected with
 * the reason, which sends the record that completed the pair to the dead-letter topic.
 */
final class ScoreJoinedEvents implements FixedKeyProcessor<String, JoinedEvent, ScoredPrediction> {
    private final ModelScoring scoring;
    private final int maxClasses;
    private final MeterRegistry meters;
    private final Map<String, ModelMeters> metersByModelVersion = new HashMap<>();
    private final ScoreResult result = new ScoreResult();
    private FixedKeyProcessorContext<String, ScoredPrediction> context;
    private EventScorer scorer;

    ScoreJoinedEvents(ModelScoring scoring, int maxClasses, MeterRegistry meters) {
        this.scoring = scoring;
        this.maxClasses = maxClasses;
        this.meters = meters;
    }

    /** The scored count and the loss summary (exported as _sum and _count) of one model version. */
    private record ModelMeters(Counter scored, DistributionSummary loss) {
    }

    @Override
    public void init(FixedKeyProcessorContext<String, ScoredPrediction> context) {
        this.context = context;
        this.scorer = new EventScorer(maxClasses);
    }

    @Override
    public void process(FixedKeyRecord<String, JoinedEvent> record) {
        JoinedEvent joined = record.value();
        String modelId = joined.prediction().getModelId();
        ScoringSettings settings = scoring.forModel(modelId);
        if (!scorer.score(joined.prediction(), joined.label(), settings, result)) {
            throw new InvalidEventException(result.invalidKind().dlqReason(),
                    "label for prediction " + record.key() + " of model " + modelId + ": " + result.invalidReason());
        }
        ScoredPrediction scored = EventScorer.toScoredPrediction(joined.prediction(), joined.label(), result, settings);
        ModelMeters model = metersByModelVersion.computeIfAbsent(modelId + '\u0000' + scored.getModelVersion(),
                ignored -> new ModelMeters(
                        Counter.builder("losswatch.scored").description("Events joined and scored")
                                .tags("model", modelId, "version", scored.getModelVersion()).register(meters),
                        DistributionSummary.builder("losswatch.loss").description("Per-event loss")
                                .tags("model", modelId, "version", scored.getModelVersion()).register(meters)));
        model.scored().increment();
        model.loss().record(scored.getLoss());
        context.forward(record.withValue(scored));
    }
}
