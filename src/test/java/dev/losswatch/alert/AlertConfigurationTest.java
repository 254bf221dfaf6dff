package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AlertConfigurationTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AlertSettings defaults = AlertSettings.defaults();
        assertThat(defaults.minRelativeIncrease()).isEqualTo(0.10);
        assertThat(defaults.expectedEventsBetweenFalseAlarms()).isEqualTo(1_000_000);
        assertThat(defaults.fireAfter()).isEqualTo(2);
        assertThat(defaults.resolveAfter()).isEqualTo(3);
        assertThat(defaults.cooldown()).isEqualTo(Duration.ofMinutes(30));
        assertThat(defaults.referenceMinEvents()).isEqualTo(20_000);
        assertThat(defaults.referenceMinDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.referenceMaxRelativeError()).isEqualTo(0.0125);
        assertThat(defaults.referenceMaxEvents()).isEqualTo(1_000_000);
        assertThat(defaults.windowMinEvents()).isEqualTo(100);
        assertThat(defaults.winsorizeQuantile()).isEqualTo(0.999);
        assertThat(defaults.configuredBaseline()).isEmpty();
    }

    @Test
    void aModelsOwnSettingWinsOverTheGlobalOneWhichWinsOverTheDefault() {
        AlertConfiguration configuration = AlertConfiguration.from(Map.of(
                "alerts.fire-after", "3",
                "alerts.model.team.fraud.v2.fire-after", "5",
                "alerts.model.team.fraud.v2.reference.min-events", "5000",
                "alerts.cooldown", "PT2H",
                "kafka.bootstrap", "ignored"));
        AlertSettings fraud = configuration.forModel("team.fraud.v2");
        AlertSettings other = configuration.forModel("churn");
        assertThat(fraud.fireAfter()).isEqualTo(5);
        assertThat(fraud.referenceMinEvents()).isEqualTo(5000);
        assertThat(fraud.cooldown()).isEqualTo(Duration.ofHours(2));
        assertThat(other.fireAfter()).isEqualTo(3);
        assertThat(other.referenceMinEvents()).isEqualTo(20_000);
    }

    @Test
    void aConfiguredBaselineAppliesToItsModelOnly() {
        AlertConfiguration configuration = AlertConfiguration.from(Map.of("alerts.baseline.fraud", "0.42"));
        assertThat(configuration.forModel("fraud").configuredBaseline()).hasValue(0.42);
        assertThat(configuration.forModel("churn").configuredBaseline()).isEmpty();
    }

    @Test
    void durationsAcceptIsoAndShortForms() {
        assertThat(AlertConfiguration.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(AlertConfiguration.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(AlertConfiguration.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(AlertConfiguration.parseDuration("PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> AlertConfiguration.parseDuration("5 weeks")).hasMessageContaining("unit");
    }

    @Test
    void unknownKeysFailAtStartUpNamingThem() {
        assertThatThrownBy(() -> AlertConfiguration.from(Map.of("alerts.min-relative-increse", "0.2",
                "alerts.model.fraud.fire-afterr", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alerts.min-relative-increse")
                .hasMessageContaining("alerts.model.fraud.fire-afterr")
                .hasMessageContaining("min-relative-increase");
    }

    @Test
    void badValuesFailAtStartUpNamingKeyAndValue() {
        assertThatThrownBy(() -> AlertConfiguration.from(Map.of("alerts.model.fraud.fire-after", "often")))
                .hasMessageContaining("alerts.model.fraud.fire-after")
                .hasMessageContaining("'often'");
        assertThatThrownBy(() -> AlertConfiguration.from(Map.of("alerts.min-relative-increase", "-0.1")))
                .hasMessageContaining("alerts.min-relative-increase must be in (0, 10]")
                .hasMessageContaining("-0.1");
        assertThatThrownBy(() -> AlertConfiguration.from(Map.of("alerts.baseline.fraud", "0")))
                .hasMessageContaining("alerts.baseline must be a positive mean loss");
    }

    @Test
    void everyKnobIsDocumentedWithItsDefault() throws IOException {
        String documentation = Files.readString(Path.of("docs", "alerts.md"));
        for (AlertConfiguration.Knob knob : AlertConfiguration.Knob.values()) {
            assertThat(documentation).contains("`alerts." + knob.key + "`").contains("`" + knob.defaultValue + "`");
        }
        assertThat(documentation).contains("`alerts.baseline.<modelId>`", "`alerts.model.<modelId>.<knob>`");
    }
}
