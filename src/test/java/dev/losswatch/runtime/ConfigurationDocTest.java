package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every setting with its default, generated from {@link Setting}, the single source
 * of truth. Regenerate with {@code mvn test -Dtest=ConfigurationDocTest -Dlosswatch.docs.update=true}.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("docs/configuration.md");

    @Test
    void theSettingsReferenceListsEverySettingWithItsDefault() throws Exception {
        String expected = render();
        if (Boolean.getBoolean("losswatch.docs.update")) {
            Files.writeString(DOC, expected);
        }
        assertThat(Files.readString(DOC))
                .as("docs/configuration.md is stale: regenerate it with -Dlosswatch.docs.update=true")
                .isEqualTo(expected);
    }

    @Test
    void environmentVariablesMapBackToTheirSettings() {
        for (Setting setting : Setting.values()) {
            assertThat(LosswatchConfig.keyForEnvironmentVariable(setting.environmentVariable())).isEqualTo(setting.key());
        }
    }

    static String render() {
        StringBuilder doc = new StringBuilder("""
                # Configuration

                losswatch reads one properties file (`run --config FILE`, `backtest --config FILE`), and any
                `LOSSWATCH_*` environment variable overrides it: a setting's variable is its key in upper case with `.`
                and `-` turned into `_` (`join.label-wait` ↔ `LOSSWATCH_JOIN_LABEL_WAIT`). Durations are written
                `500ms`, `10s`, `5m`, `1h`, `7d` or ISO-8601 (`PT10S`).

                Every key that is not listed here (and not under `topic.`, `input.`, `scoring.`, `join.`, `slice.`,
                `window.`, `alerts.`, `http.` or `demo.`) passes through untouched to Kafka Streams and its clients —
                `security.protocol`, `sasl.*`, `ssl.*`, `num.standby.replicas`, … Schema Registry settings keep
                Confluent's names: `schema.registry.url`, `basic.auth.credentials.source`, `basic.auth.user.info`,
                `auto.register.schemas`, `schema.registry.ssl.truststore.location`/`.password`/`.type`,
                `schema.registry.connect.timeout.ms`, `schema.registry.read.timeout.ms`. Secrets are never logged.

                Per-model scoring overrides: `scoring.model.<modelId>.log-base`, `.epsilon`, `.label-smoothing`.

                This file is generated from `src/main/java/dev/losswatch/runtime/Setting.java`, which holds the defaults.

                | setting | environment variable | default | what it does |
                | --- | --- | --- | --- |
                """);
        for (Setting setting : Setting.values()) {
            doc.append("| `").append(setting.key()).append("` | `").append(setting.environmentVariable()).append("` | ")
                    .append(setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`")
                    .append(" | ").append(setting.description()).append(" |\n");
        }
        return doc.toString();
    }
}
