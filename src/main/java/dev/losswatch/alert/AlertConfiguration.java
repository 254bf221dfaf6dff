package dev.losswatch.alert;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Drift-alert configuration read from flat properties: {@code alerts.<knob>} for every model,
 * {@code alerts.model.<modelId>.<knob>} to override one model, and {@code alerts.baseline.<modelId>}
 * for a baseline mean loss known in advance. Every key under {@code alerts.} is checked when the
 * configuration is built, so a typo or a bad value fails at start-up, naming the key, rather than
 * being ignored or surfacing on some model's first event.
 */
public final class AlertConfiguration {
    private static final String PREFIX = "alerts.";
    private static final String MODEL_PREFIX = "alerts.model.";
    private static final String BASELINE_PREFIX = "alerts.baseline.";

    /** The knobs, with their defaults; docs/alerts.md documents each. */
    enum Knob {
        MIN_RELATIVE_INCREASE("min-relative-increase", "0.10"),
        EXPECTED_EVENTS_BETWEEN_FALSE_ALARMS("expected-events-between-false-alarms", "1000000"),
        FIRE_AFTER("fire-after", "2"),
        RESOLVE_AFTER("resolve-after", "3"),
        COOLDOWN("cooldown", "30m"),
        REFERENCE_MIN_EVENTS("reference.min-events", "20000"),
        REFERENCE_MIN_DURATION("reference.min-duration", "1h"),
        REFERENCE_MAX_RELATIVE_ERROR("reference.max-relative-error", "0.0125"),
        REFERENCE_MAX_EVENTS("reference.max-events", "1000000"),
        WINDOW_MIN_EVENTS("window.min-events", "100"),
        WINSORIZE_QUANTILE("sequential.winsorize-quantile", "0.999");

        final String key;
        final String defaultValue;

        Knob(String key, String defaultValue) {
            this.key = key;
            this.defaultValue = defaultValue;
        }

        static Knob byKey(String key) {
            for (Knob knob : values()) {
                if (knob.key.equals(key)) {
                    return knob;
                }
            }
            return null;
        }
    }

    private final Map<Knob, Setting> global;
    private final Map<String, Map<Knob, Setting>> perModel;
    private final Map<String, Setting> baselines;

    /** A configured value with the property key it came from, for error messages. */
    private record Setting(String key, String value) {
    }

    private AlertConfiguration(Map<Knob, Setting> global, Map<String, Map<Knob, Setting>> perModel,
                               Map<String, Setting> baselines) {
        this.global = global;
        this.perModel = perModel;
        this.baselines = baselines;
    }

    public static AlertConfiguration defaults() {
        return new AlertConfiguration(Map.of(), Map.of(), Map.of());
    }

    /**
     * Reads every {@code alerts.*} entry of {@code properties} (others are ignored) and checks them all.
     *
     * @throws IllegalArgumentException naming each unknown key, or the first key whose value is invalid
     */
    public static AlertConfiguration from(Map<String, String> properties) {
        Map<Knob, Setting> global = new HashMap<>();
        Map<String, Map<Knob, Setting>> perModel = new HashMap<>();
        Map<String, Setting> baselines = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            Setting setting = new Setting(key, entry.getValue() == null ? "" : entry.getValue().trim());
            if (key.startsWith(BASELINE_PREFIX) && key.length() > BASELINE_PREFIX.length()) {
                baselines.put(key.substring(BASELINE_PREFIX.length()), setting);
            } else if (key.startsWith(MODEL_PREFIX)) {
                if (!addModelSetting(key.substring(MODEL_PREFIX.length()), setting, perModel)) {
                    unknown.add(key);
                }
            } else {
                Knob knob = Knob.byKey(key.substring(PREFIX.length()));
                if (knob == null) {
                    unknown.add(key);
                } else {
                    global.put(knob, setting);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown alert settings " + unknown + "; known knobs are alerts.<knob> and "
                    + "alerts.model.<modelId>.<knob> with <knob> one of " + knobKeys()
                    + ", and alerts.baseline.<modelId>");
        }
        AlertConfiguration configuration = new AlertConfiguration(global, perModel, baselines);
        configuration.forModel("");
        perModel.keySet().forEach(configuration::forModel);
        baselines.keySet().forEach(configuration::forModel);
        return configuration;
    }

    /** The settings of one model: its own overrides, else the global values, else the defaults. */
    public AlertSettings forModel(String modelId) {
        Map<Knob, Setting> overrides = perModel.getOrDefault(modelId, Map.of());
        Setting baseline = baselines.get(modelId);
        return new AlertSettings(
                value(Knob.MIN_RELATIVE_INCREASE, overrides, AlertConfiguration::parseDouble),
                value(Knob.EXPECTED_EVENTS_BETWEEN_FALSE_ALARMS, overrides, AlertConfiguration::parseDouble),
                value(Knob.FIRE_AFTER, overrides, AlertConfiguration::parseInt),
                value(Knob.RESOLVE_AFTER, overrides, AlertConfiguration::parseInt),
                value(Knob.COOLDOWN, overrides, AlertConfiguration::parseDuration),
                value(Knob.REFERENCE_MIN_EVENTS, overrides, AlertConfiguration::parseLong),
                value(Knob.REFERENCE_MIN_DURATION, overrides, AlertConfiguration::parseDuration),
                value(Knob.REFERENCE_MAX_RELATIVE_ERROR, overrides, AlertConfiguration::parseDouble),
                value(Knob.REFERENCE_MAX_EVENTS, overrides, AlertConfiguration::parseLong),
                value(Knob.WINDOW_MIN_EVENTS, overrides, AlertConfiguration::parseDouble),
                value(Knob.WINSORIZE_QUANTILE, overrides, AlertConfiguration::parseDouble),
                baseline == null ? OptionalDouble.empty() : OptionalDouble.of(parse(baseline, AlertConfiguration::parseDouble)));
    }

    private static boolean addModelSetting(String modelAndKnob, Setting setting, Map<String, Map<Knob, Setting>> perModel) {
        // The model id may itself contain dots: take the longest knob name the key ends with.
        Knob match = null;
        for (Knob knob : Knob.values()) {
            if (modelAndKnob.endsWith("." + knob.key) && modelAndKnob.length() > knob.key.length() + 1
                    && (match == null || knob.key.length() > match.key.length())) {
                match = knob;
            }
        }
        if (match == null) {
            return false;
        }
        String modelId = modelAndKnob.substring(0, modelAndKnob.length() - match.key.length() - 1);
        perModel.computeIfAbsent(modelId, id -> new HashMap<>()).put(match, setting);
        return true;
    }

    private <T> T value(Knob knob, Map<Knob, Setting> overrides, Function<String, T> parser) {
        Setting setting = overrides.getOrDefault(knob, global.get(knob));
        return setting == null ? parser.apply(knob.defaultValue) : parse(setting, parser);
    }

    private static <T> T parse(Setting setting, Function<String, T> parser) {
        try {
            return parser.apply(setting.value());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException(setting.key() + ": cannot use '" + setting.value() + "': " + e.getMessage(), e);
        }
    }

    private static double parseDouble(String text) {
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("expected a finite number");
        }
        return value;
    }

    private static int parseInt(String text) {
        return Integer.parseInt(text);
    }

    private static long parseLong(String text) {
        return Long.parseLong(text.replace("_", ""));
    }

    /**
     * The one duration syntax of losswatch's settings: ISO-8601 ({@code PT30M}) or a number with a unit:
     * {@code 500ms}, {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d}. The runtime configuration parses with it too.
     *
     * @throws IllegalArgumentException or {@link java.time.format.DateTimeParseException} when it is not one
     */
    public static Duration parseDuration(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("p")) {
            return Duration.parse(text);
        }
        int unitStart = 0;
        while (unitStart < lower.length() && (Character.isDigit(lower.charAt(unitStart)))) {
            unitStart++;
        }
        if (unitStart == 0) {
            throw new IllegalArgumentException("expected a duration such as 30m, 1h or PT30M");
        }
        long amount = Long.parseLong(lower.substring(0, unitStart));
        switch (lower.substring(unitStart)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                throw new IllegalArgumentException("unknown duration unit '" + lower.substring(unitStart)
                        + "'; use ms, s, m, h or d");
        }
    }

    private static List<String> knobKeys() {
        List<String> keys = new ArrayList<>();
        for (Knob knob : Knob.values()) {
            keys.add(knob.key);
        }
        return keys;
    }
}
