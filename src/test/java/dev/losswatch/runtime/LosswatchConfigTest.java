package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LosswatchConfigTest {
    @Test
    void unsetSettingsTakeTheirDocumentedDefaults() {
        LosswatchConfig config = LosswatchConfig.of(Map.of());

        assertThat(config.get(Setting.TOPIC_PREDICTIONS)).isEqualTo("predictions");
        assertThat(config.getDuration(Setting.JOIN_HORIZON)).isEqualTo(Duration.ofDays(7));
        assertThat(config.getDurations(Setting.WINDOW_SIZES))
                .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(config.getInt(Setting.HTTP_PORT)).isEqualTo(8080);
    }

    @Test
    void environmentVariablesOverrideTheFileAndMapToKnownKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("losswatch.properties");
        Files.writeString(file, "http.port=9000\njoin.label-wait=30m\nsasl.mechanism=PLAIN\n");

        LosswatchConfig config = LosswatchConfig.load(file, Map.of(
                "LOSSWATCH_HTTP_PORT", "9100",
                "LOSSWATCH_JOIN_LABEL_WAIT", "2h",
                "LOSSWATCH_SASL_JAAS_CONFIG", "secret-jaas",
                "PATH", "/usr/bin"));

        assertThat(config.getInt(Setting.HTTP_PORT)).isEqualTo(9100);
        assertThat(config.getDuration(Setting.JOIN_LABEL_WAIT)).isEqualTo(Duration.ofHours(2));
        assertThat(config.raw("sasl.jaas.config")).isEqualTo("secret-jaas");
        assertThat(config.raw("path")).isNull();
    }

    @Test
    void kafkaSettingsPassThroughWhileLosswatchAndRegistrySettingsDoNot() {
        LosswatchConfig config = LosswatchConfig.of(Map.of(
                "security.protocol", "SASL_SSL",
                "join.horizon", "1d",
                "schema.registry.url", "https://registry:8081",
                "basic.auth.user.info", "u:p"));

        Map<String, Object> kafka = config.kafkaProperties();
        assertThat(kafka).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("application.id", "losswatch")
                .doesNotContainKeys("join.horizon", "schema.registry.url", "basic.auth.user.info");
        assertThat(config.registryProperties()).containsEntry("schema.registry.url", "https://registry:8081")
                .containsEntry("basic.auth.user.info", "u:p");
    }

    @Test
    void secretsAreHiddenWhenTheConfigIsShown() {
        LosswatchConfig config = LosswatchConfig.of(Map.of(
                "sasl.jaas.config", "org.apache...PlainLoginModule required password=\"x\";",
                "ssl.keystore.password", "x", "basic.auth.user.info", "u:p", "http.token", "t", "http.port", "1"));

        assertThat(config.redacted()).containsEntry("sasl.jaas.config", "[hidden]")
                .containsEntry("ssl.keystore.password", "[hidden]")
                .containsEntry("basic.auth.user.info", "[hidden]")
                .containsEntry("http.token", "[hidden]")
                .containsEntry("http.port", "1");
        assertThat(config.toString()).doesNotContain("password=\"x\"", "u:p", "=x,", "=t,");
    }

    @Test
    void aMalformedValueIsReportedWithItsKey() {
        LosswatchConfig config = LosswatchConfig.of(Map.of("join.horizon", "a week", "http.port", "eighty"));

        assertThatThrownBy(() -> config.getDuration(Setting.JOIN_HORIZON))
                .hasMessage("join.horizon = 'a week' is not a duration such as 10s, 5m, 1h, 7d or ISO-8601 PT10S");
        assertThatThrownBy(() -> config.getInt(Setting.HTTP_PORT))
                .hasMessage("http.port = 'eighty' is not a whole number");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(LosswatchConfig.parseDuration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(LosswatchConfig.parseDuration("k", "PT10S")).isEqualTo(Duration.ofSeconds(10));
        assertThat(LosswatchConfig.parseDuration("k", "7d")).isEqualTo(Duration.ofDays(7));
    }
}
