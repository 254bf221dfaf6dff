package dev.losswatch.runtime;

import dev.losswatch.events.EventSerdes;
import dev.losswatch.topology.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings for losswatch instances in integration tests: their own application id, topics and mock registry
 * scope per test (tests share a broker), state under the test's directory, and short commit, window and emit
 * intervals so that results show within seconds.
 */
final class TestInstances {
    private TestInstances() {
    }

    /** The topics of the application {@code name}: the default names prefixed with it. */
    static Topics topics(String name) {
        Topics defaults = Topics.DEFAULTS;
        return new Topics(name + "." + defaults.predictions(), name + "." + defaults.labels(), name + "." + defaults.scored(),
                name + "." + defaults.windows(), name + "." + defaults.alerts(), name + "." + defaults.unlabeled(),
                name + "." + defaults.deadLetters());
    }

    static Map<String, String> settings(String name, String bootstrapServers, Path stateDir) {
        Topics topics = topics(name);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(Setting.APPLICATION_ID.key(), name);
        settings.put(Setting.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        settings.put(Setting.STATE_DIR.key(), stateDir.toString());
        settings.put(Setting.SCHEMA_REGISTRY_URL.key(), registryUrl(name));
        settings.put(Setting.TOPIC_PREDICTIONS.key(), topics.predictions());
        settings.put(Setting.TOPIC_LABELS.key(), topics.labels());
        settings.put(Setting.TOPIC_SCORED.key(), topics.scored());
        settings.put(Setting.TOPIC_WINDOWS.key(), topics.windows());
        settings.put(Setting.TOPIC_ALERTS.key(), topics.alerts());
        settings.put(Setting.TOPIC_UNLABELED.key(), topics.unlabeled());
        settings.put(Setting.TOPIC_DLQ.key(), topics.deadLetters());
        settings.put("commit.interval.ms", "100");
        settings.put(Setting.WINDOW_SIZES.key(), "1s");
        settings.put(Setting.WINDOW_GRACE.key(), "1s");
        settings.put(Setting.WINDOW_EMIT_INTERVAL.key(), "200ms");
        settings.put(Setting.WINDOW_IDLE_CLOSE_AFTER.key(), "1s");
        settings.put(Setting.HTTP_BIND.key(), "127.0.0.1");
        settings.put(Setting.HTTP_PORT.key(), "0");
        return settings;
    }

    /** The in-process registry every instance and producer of the application {@code name} in this JVM shares. */
    static String registryUrl(String name) {
        return "mock://" + name;
    }

    /** Serdes on the registry of the application {@code name}, as its producers and consumers use them. */
    static EventSerdes serdes(String name) {
        return new EventSerdes(Map.of(Setting.SCHEMA_REGISTRY_URL.key(), registryUrl(name)));
    }
}
