package dev.losswatch.join;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * The join's counters. Tags stay low-cardinality: the model id on counters of the prediction side (the
 * model is known there), a fixed cause on orphans, never a prediction id. One instance per processor, used
 * by one stream thread; the counters themselves are shared through the registry.
 */
final class JoinMetrics {

    static final String JOINED = "losswatch.join.joined";
    static final String UNLABELED = "losswatch.join.unlabeled";
    static final String DUPLICATE_PREDICTIONS = "losswatch.join.duplicate.predictions";
    static final String DUPLICATE_LABELS = "losswatch.join.duplicate.labels";
    static final String LABEL_CONFLICTS = "losswatch.join.label.conflicts";
    static final String ORPHAN_LABELS = "losswatch.join.orphan.labels";

    static final String MODEL_TAG = "model";
    static final String CAUSE_TAG = "cause";

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
    private final Map<String, Counter> duplicatePredictionsByModel = new HashMap<>();
    private final Counter duplicateLabels;
    private final Counter labelConflicts;
    private final Map<OrphanCause, Counter> orphansByCause = new HashMap<>();

    JoinMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicateLabels = Counter.builder(DUPLICATE_LABELS)
                .description("Labels dropped because an identical label (same target and weight) was already waiting or joined")
                .register(registry);
        this.labelConflicts = Counter.builder(LABEL_CONFLICTS)
                .description("Labels dropped because an earlier label for the same prediction had another target or weight")
                .register(registry);
        for (OrphanCause cause : OrphanCause.values()) {
            orphansByCause.put(cause, Counter.builder(ORPHAN_LABELS)
                    .description("Labels sent to the dead-letter output because they could not be joined with a prediction")
                    .tag(CAUSE_TAG, cause.tagValue)
                    .register(registry));
        }
    }

    void joined(String modelId) {
        perModel(joinedByModel, JOINED, "Predictions joined with their label", modelId).increment();
    }

    void unlabeled(String modelId) {
        perModel(unlabeledByModel, UNLABELED, "Predictions published unlabeled because no label came within the horizon", modelId)
                .increment();
    }

    void duplicatePrediction(String modelId) {
        perModel(duplicatePredictionsByModel, DUPLICATE_PREDICTIONS,
                "Predictions dropped because their predictionId was already waiting, joined or published unlabeled", modelId)
                .increment();
    }

    void duplicateLabel() {
        duplicateLabels.increment();
    }

    void labelConflict() {
        labelConflicts.increment();
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
