package dev.losswatch.join;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The join's counters, named as docs/metrics.md lists them. Tags stay low-cardinality: the model id where
 * the prediction is at hand, a fixed side or cause elsewhere, never a prediction id. One instance per
 * processor, used by one stream thread; the counters themselves are shared through the registry.
 */
final class JoinMetrics {

    static final String JOINED = "losswatch.joined";
    static final String UNLABELED = "losswatch.unlabeled";
    static final String DUPLICATES = "losswatch.duplicates";
    static final String CONFLICTS = "losswatch.conflicts";
    static final String ORPHAN_LABELS = "losswatch.orphan.labels";

    static final String MODEL_TAG = "model";
    static final String SIDE_TAG = "side";
    static final String CAUSE_TAG = "cause";
    static final String PREDICTION_SIDE = "prediction";
    static final String LABEL_SIDE = "label";

    /** Why a label was dead-lettered as an orphan; the tag values of {@value #ORPHAN_LABELS}. */
    enum OrphanCause {
        /** No prediction arrived within the label wait. */
        NO_PREDICTION("no-prediction"),
        /** The prediction had already passed its horizon and was published unlabeled. */
        AFTER_HORIZON("after-horizon");

        private final String tagValue;

        OrphanCause(String tagValue) {
            this.tagValue = tagValue;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> joinedByModel = new HashMap<>();
    private final Map<String, Counter> unlabeledByModel = new HashMap<>();
    private final Counter duplicatePredictions;
    private final Counter duplicateLabels;
    private final Counter conflicts;
    private final Map<OrphanCause, Counter> orphansByCause = new EnumMap<>(OrphanCause.class);

    JoinMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicatePredictions = duplicates(PREDICTION_SIDE);
        this.duplicateLabels = duplicates(LABEL_SIDE);
        this.conflicts = Counter.builder(CONFLICTS)
                .description("Labels dropped because an earlier label for the same prediction had another target or weight")
                .register(registry);
        for (OrphanCause cause : OrphanCause.values()) {
            orphansByCause.put(cause, Counter.builder(ORPHAN_LABELS)
                    .description("Labels handed to the dead-letter output because no prediction could be joined with them")
                    .tag(CAUSE_TAG, cause.tagValue)
                    .register(registry));
        }
    }

    private Counter duplicates(String side) {
        return Counter.builder(DUPLICATES)
                .description("Duplicate events dropped: a copy of one already waiting, joined or published unlabeled")
                .tag(SIDE_TAG, side)
                .register(registry);
    }

    void joined(String modelId) {
        perModel(joinedByModel, JOINED, "Predictions joined with their label", modelId).increment();
    }

    void unlabeled(String modelId) {
        perModel(unlabeledByModel, UNLABELED, "Predictions published unlabeled because no label came within join.horizon", modelId)
                .increment();
    }

    void duplicatePrediction() {
        duplicatePredictions.increment();
    }

    void duplicateLabel() {
        duplicateLabels.increment();
    }

    void labelConflict() {
        conflicts.increment();
    }

    void orphanLabel(OrphanCause cause) {
        orphansByCause.get(cause).increment();
    }

    private Counter perModel(Map<String, Counter> counters, String name, String description, String modelId) {
        return counters.computeIfAbsent(modelId, model -> Counter.builder(name)
                .description(description)
                .tag(MODEL_TAG, model)
                .register(registry));
    }
}
