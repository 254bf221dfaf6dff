package dev.losswatch.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowSettingsTest {
    @Test
    void defaultsAreOneFiveAndSixtyMinuteWindowsWithAnHourOfGrace() {
        WindowSettings defaults = WindowSettings.defaults();

        assertThat(defaults.sizes()).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(defaults.grace()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.emitInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.idleCloseAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.retention()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.sketchK()).isEqualTo(200);
        assertThat(defaults.timeBasis()).isEqualTo(TimeBasis.PREDICTION);
    }

    @Test
    void sizesAreKeptInAscendingOrder() {
        assertThat(WindowSettings.defaults().withSizes(List.of(Duration.ofHours(1), Duration.ofSeconds(30))).sizes())
                .containsExactly(Duration.ofSeconds(30), Duration.ofHours(1));
    }

    @Test
    void settingsThatCannotWorkAreRejectedNamingTheSetting() {
        WindowSettings defaults = WindowSettings.defaults();

        assertThatThrownBy(() -> defaults.withSizes(List.of()))
                .hasMessage("window sizes must name at least one size");
        assertThatThrownBy(() -> defaults.withSizes(List.of(Duration.ofMinutes(1), Duration.ofSeconds(60))))
                .hasMessage("window sizes [PT1M, PT1M] name a size twice");
        assertThatThrownBy(() -> defaults.withSizes(List.of(Duration.ofNanos(1_500_000))))
                .hasMessage("window size PT0.0015S is not a whole number of milliseconds");
        assertThatThrownBy(() -> defaults.withGrace(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("window grace PT-1S must be between PT0S and");
        assertThatThrownBy(() -> new WindowSettings(defaults.sizes(), defaults.grace(), defaults.emitInterval(),
                defaults.idleCloseAfter(), defaults.retention(), 4, TimeBasis.LABEL, false))
                .hasMessage("KLL sketch k must be in [8, 65535], got 4");
    }

    @Test
    void timeBasisIsNamedAsInTheWindowTimeSetting() {
        assertThat(TimeBasis.fromWireName("label")).isEqualTo(TimeBasis.LABEL);
        assertThat(TimeBasis.PREDICTION.wireName()).isEqualTo("prediction");
        assertThatThrownBy(() -> TimeBasis.fromWireName("arrival"))
                .hasMessage("time basis 'arrival' is not one of prediction, label");
    }
}
