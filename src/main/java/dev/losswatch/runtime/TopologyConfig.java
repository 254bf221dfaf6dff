package dev.losswatch.runtime;

import dev.losswatch.alert.AlertConfiguration;
import dev.losswatch.events.LogBase;
import dev.losswatch.join.JoinSettings;
import dev.losswatch.scoring.ModelScoring;
import dev.losswatch.scoring.ScoringSettings;
import dev.losswatch.topology.SliceSettings;
import dev.losswatch.topology.Topics;
import dev.losswatch.topology.TopologySettings;
import dev.losswatch.window.TimeBasis;
import dev.losswatch.window.WindowSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Turns the configuration into the typed settings the topology is built from; every value is checked here. */
public final class TopologyConfig {
    private static final String PER_MODEL_SCORING = "scoring.model.";

    private TopologyConfig() {
    }

    public static TopologySettings settings(LosswatchConfig config) {
        return new TopologySettings(topics(config), config.getBoolean(Setting.INPUT_REKEY),
                config.getInt(Setting.INPUT_MAX_CLASSES), scoring(config), join(config), windows(config),
                new SliceSettings(config.getList(Setting.SLICE_ATTRIBUTES), config.getInt(Setting.SLICE_MAX_VALUES)),
                alerts(config));
    }

    static Topics topics(LosswatchConfig config) {
        return new Topics(config.get(Setting.TOPIC_PREDICTIONS), config.get(Setting.TOPIC_LABELS),
                config.get(Setting.TOPIC_SCORED), config.get(Setting.TOPIC_WINDOWS), config.get(Setting.TOPIC_ALERTS),
                config.get(Setting.TOPIC_UNLABELED), config.get(Setting.TOPIC_DLQ));
    }

    /** The {@code alerts.*} keys, read by the alert stage itself (docs/alerts.md lists them with their defaults). */
    static AlertConfiguration alerts(LosswatchConfig config) {
        Map<String, String> alertKeys = new HashMap<>();
        for (String key : config.keysStartingWith("alerts.")) {
            alertKeys.put(key, config.raw(key));
        }
        return AlertConfiguration.from(alertKeys);
    }

    static JoinSettings join(LosswatchConfig config) {
        return new JoinSettings(config.getDuration(Setting.JOIN_LABEL_WAIT), config.getDuration(Setting.JOIN_HORIZON),
                config.getDuration(Setting.JOIN_DEDUP_RETENTION), config.getDuration(Setting.JOIN_IDLE_EXPIRY_AFTER),
                config.getDuration(Setting.JOIN_EXPIRY_INTERVAL), config.getInt(Setting.JOIN_MAX_EXPIRIES_PER_SCAN),
                inMemory(config) ? JoinSettings.StoreType.IN_MEMORY : JoinSettings.StoreType.PERSISTENT);
    }

    static WindowSettings windows(LosswatchConfig config) {
        return new WindowSettings(config.getDurations(Setting.WINDOW_SIZES), config.getDuration(Setting.WINDOW_GRACE),
                config.getDuration(Setting.WINDOW_EMIT_INTERVAL), config.getDuration(Setting.WINDOW_IDLE_CLOSE_AFTER),
                config.getDuration(Setting.WINDOW_RETENTION), config.getInt(Setting.WINDOW_SKETCH_K),
                timeBasis(config.get(Setting.WINDOW_TIME)), inMemory(config));
    }

    static boolean inMemory(LosswatchConfig config) {
        String type = config.get(Setting.STORE_TYPE);
        if (!type.equals("persistent") && !type.equals("memory")) {
            throw LosswatchConfig.invalid(Setting.STORE_TYPE.key(), type, "persistent or memory");
        }
        return type.equals("memory");
    }

    private static TimeBasis timeBasis(String text) {
        try {
            return TimeBasis.fromWireName(text);
        } catch (IllegalArgumentException e) {
            throw LosswatchConfig.invalid(Setting.WINDOW_TIME.key(), text, "prediction or label");
        }
    }

    /** Global scoring settings, and for each model named in a {@code scoring.model.<id>.<knob>} key, its own. */
    static ModelScoring scoring(LosswatchConfig config) {
        ScoringSettings defaults = new ScoringSettings(
                logBase(Setting.SCORING_LOG_BASE.key(), config.get(Setting.SCORING_LOG_BASE)),
                config.getDouble(Setting.SCORING_EPSILON), config.getDouble(Setting.SCORING_LABEL_SMOOTHING));
        defaults.requireValid();
        Set<String> models = new TreeSet<>();
        for (String key : config.keysStartingWith(PER_MODEL_SCORING)) {
            String rest = key.substring(PER_MODEL_SCORING.length());
            int knob = rest.lastIndexOf('.');
            if (knob <= 0) {
                throw LosswatchConfig.invalid(key, config.raw(key), "under a key of the form scoring.model.<modelId>.<knob>");
            }
            models.add(rest.substring(0, knob));
        }
        Map<String, ScoringSettings> perModel = new HashMap<>();
        for (String model : models) {
            String prefix = PER_MODEL_SCORING + model + ".";
            for (String key : config.keysStartingWith(prefix)) {
                String knob = key.substring(prefix.length());
                if (!Set.of("log-base", "epsilon", "label-smoothing").contains(knob)) {
                    throw LosswatchConfig.invalid(key, config.raw(key), "a known per-model knob (log-base, epsilon, label-smoothing)");
                }
            }
            String logBase = config.raw(prefix + "log-base");
            String epsilon = config.raw(prefix + "epsilon");
            String smoothing = config.raw(prefix + "label-smoothing");
            ScoringSettings settings = new ScoringSettings(
                    logBase == null ? defaults.logBase() : logBase(prefix + "log-base", logBase),
                    epsilon == null ? defaults.epsilon() : LosswatchConfig.parseDouble(prefix + "epsilon", epsilon),
                    smoothing == null ? defaults.labelSmoothing() : LosswatchConfig.parseDouble(prefix + "label-smoothing", smoothing));
            settings.requireValid();
            perModel.put(model, settings);
        }
        return new ModelScoring(defaults, perModel);
    }

    static LogBase logBase(String key, String text) {
        switch (text.trim()) {
            case "e":
                return LogBase.E;
            case "2":
                return LogBase.TWO;
            case "10":
                return LogBase.TEN;
            default:
                throw LosswatchConfig.invalid(key, text, "e, 2 or 10");
        }
    }
}
