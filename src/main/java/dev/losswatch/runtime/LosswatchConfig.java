package dev.losswatch.runtime;

import dev.losswatch.alert.AlertConfiguration;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one source of losswatch's configuration: a properties file, overridden by {@code LOSSWATCH_*}
 * environment variables ({@code http.port} ↔ {@code LOSSWATCH_HTTP_PORT}), over the documented defaults
 * of {@link Setting}. Every key that is not a losswatch or schema-registry setting is passed through to
 * Kafka Streams and its clients untouched (SASL, SSL, …).
 */
public final class LosswatchConfig {
    private static final String ENV_PREFIX = "LOSSWATCH_";
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|jaas|token|user\\.info|credentials).*");

    private final Map<String, String> values;

    private LosswatchConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Defaults only, overridden by {@code overrides}. */
    public static LosswatchConfig of(Map<String, String> overrides) {
        return new LosswatchConfig(overrides);
    }

    /** A properties file (may be null) overridden by the {@code LOSSWATCH_*} variables of {@code environment}. */
    public static LosswatchConfig load(Path file, Map<String, String> environment) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).trim()));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                values.put(keyForEnvironmentVariable(name), value);
            }
        });
        return new LosswatchConfig(values);
    }

    /**
     * A known setting's key when the variable names one ({@code LOSSWATCH_JOIN_LABEL_WAIT} → {@code join.label-wait});
     * otherwise underscores become dots ({@code LOSSWATCH_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}).
     */
    static String keyForEnvironmentVariable(String name) {
        String suffix = name.substring(ENV_PREFIX.length());
        for (Setting setting : Setting.values()) {
            if (setting.environmentVariable().equals(name)) {
                return setting.key();
            }
        }
        return suffix.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    public LosswatchConfig with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new LosswatchConfig(copy);
    }

    public String get(Setting setting) {
        return values.getOrDefault(setting.key(), setting.defaultValue());
    }

    /** A raw value by key (per-model overrides such as {@code scoring.model.churn.log-base}); null when unset. */
    public String raw(String key) {
        return values.get(key);
    }

    /** Explicitly set keys under a prefix, in order. */
    public List<String> keysStartingWith(String prefix) {
        List<String> keys = new ArrayList<>();
        for (String key : values.keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }

    public int getInt(Setting setting) {
        String text = get(setting);
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw invalid(setting.key(), text, "a whole number");
        }
    }

    public double getDouble(Setting setting) {
        return parseDouble(setting.key(), get(setting));
    }

    public boolean getBoolean(Setting setting) {
        String text = get(setting).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw invalid(setting.key(), text, "true or false");
        }
        return Boolean.parseBoolean(text);
    }

    public Duration getDuration(Setting setting) {
        return parseDuration(setting.key(), get(setting));
    }

    public List<String> getList(Setting setting) {
        List<String> items = new ArrayList<>();
        for (String item : get(setting).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    public List<Duration> getDurations(Setting setting) {
        List<Duration> durations = new ArrayList<>();
        for (String item : getList(setting)) {
            durations.add(parseDuration(setting.key(), item));
        }
        return durations;
    }

    static double parseDouble(String key, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, text, "a number");
        }
    }

    /** ISO-8601 ({@code PT10S}, {@code P7D}) or a short form: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}. */
    public static Duration parseDuration(String key, String text) {
        try {
            return AlertConfiguration.parseDuration(text.trim());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw invalid(key, text, "a duration such as 10s, 5m, 1h, 7d or ISO-8601 PT10S");
        }
    }

    static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException(key + " = '" + value + "' is not " + expected);
    }

    /**
     * Settings for Kafka Streams and its clients: losswatch's own keys and the schema-registry keys removed,
     * losswatch's Kafka defaults (application id, exactly-once, …) applied where the user set nothing.
     */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> kafka = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (setting.isKafkaSetting()) {
                kafka.put(setting.key(), get(setting));
            }
        }
        values.forEach((key, value) -> {
            if (!Setting.isLosswatchKey(key) && !isRegistryKey(key)) {
                kafka.put(key, value);
            }
        });
        return kafka;
    }

    /** Settings for the schema-registry client, under Confluent's names. */
    public Map<String, Object> registryProperties() {
        Map<String, Object> registry = new LinkedHashMap<>();
        registry.put(Setting.SCHEMA_REGISTRY_URL.key(), get(Setting.SCHEMA_REGISTRY_URL));
        values.forEach((key, value) -> {
            if (isRegistryKey(key)) {
                registry.put(key, value);
            }
        });
        return registry;
    }

    static boolean isRegistryKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.")
                || key.equals("auto.register.schemas") || key.equals("use.latest.version");
    }

    /** Every explicitly set value, secrets hidden: safe to log. */
    public Map<String, String> redacted() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((key, value) -> shown.put(key, isSecret(key) ? "[hidden]" : value));
        return shown;
    }

    static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    @Override
    public String toString() {
        return "LosswatchConfig" + redacted();
    }
}
