package dev.losswatch.scoring;

import java.util.Map;

/** Scoring settings per model: global defaults, overridden for the models that need it. */
public record ModelScoring(ScoringSettings defaults, Map<String, ScoringSettings> perModel) {
    public ModelScoring {
        perModel = Map.copyOf(perModel);
    }

    public static ModelScoring uniform(ScoringSettings settings) {
        return new ModelScoring(settings, Map.of());
    }

    public ScoringSettings forModel(String modelId) {
        return perModel.getOrDefault(modelId, defaults);
    }
}
