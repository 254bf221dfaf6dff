package dev.losswatch.topology;

import dev.losswatch.alert.AlertConfiguration;
import dev.losswatch.join.JoinSettings;
import dev.losswatch.scoring.EventScorer;
import dev.losswatch.scoring.ModelScoring;
import dev.losswatch.scoring.ScoringSettings;
import dev.losswatch.window.WindowSettings;

/** Everything that shapes losswatch's topology; built from the configuration by {@code runtime}. */
public record TopologySettings(Topics topics, boolean rekeyInputs, int maxClasses, ModelScoring scoring,
                               JoinSettings join, WindowSettings windows, SliceSettings slices,
                               AlertConfiguration alerts) {

    public static TopologySettings defaults() {
        return new TopologySettings(Topics.DEFAULTS, false, EventScorer.DEFAULT_MAX_CLASSES,
                ModelScoring.uniform(ScoringSettings.DEFAULTS), JoinSettings.defaults(), WindowSettings.defaults(),
                SliceSettings.NONE, AlertConfiguration.defaults());
    }

    public TopologySettings withJoin(JoinSettings newJoin) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, scoring, newJoin, windows, slices, alerts);
    }

    public TopologySettings withRekeyInputs(boolean rekey) {
        return new TopologySettings(topics, rekey, maxClasses, scoring, join, windows, slices, alerts);
    }

    public TopologySettings withScoring(ModelScoring modelScoring) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, modelScoring, join, windows, slices, alerts);
    }

    public TopologySettings withWindows(WindowSettings newWindows) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, scoring, join, newWindows, slices, alerts);
    }

    public TopologySettings withSlices(SliceSettings newSlices) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, scoring, join, windows, newSlices, alerts);
    }

    public TopologySettings withAlerts(AlertConfiguration newAlerts) {
        return new TopologySettings(topics, rekeyInputs, maxClasses, scoring, join, windows, slices, newAlerts);
    }

    boolean inMemoryStores() {
        return windows.inMemoryStores();
    }
}
