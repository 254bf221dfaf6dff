package dev.losswatch.topology;

import dev.losswatch.join.JoinSettings;
import dev.losswatch.scoring.ModelScoring;
import dev.losswatch.scoring.ScoringSettings;

/** Everything that shapes losswatch's topology; built from the configuration by {@code runtime}. */
public record TopologySettings(Topics topics, boolean rekeyInputs, int maxClasses, ModelScoring scoring,
                               JoinSettings join) {
    public static final int DEFAULT_MAX_CLASSES = 1_000_000;

    public static TopologySettings defaults() {
        return new TopologySettings(Topics.DEFAULTS, false, DEFAULT_MAX_CLASSES,
                ModelScoring.uniform(ScoringSettings.DEFAULTS), JoinSettings.defaults());
    }

    public TopologySettings withJoin(JoinSettings join) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, scoring, join);
    }

    public TopologySettings withRekeyInputs(boolean rekey) {
        return new TopologySettings(topics, rekey, maxClasses, scoring, join);
    }

    public TopologySettings withScoring(ModelScoring modelScoring) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, modelScoring, join);
    }
}
