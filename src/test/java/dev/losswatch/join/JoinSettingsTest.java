package dev.losswatch.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Join settings")
class JoinSettingsTest {

    @Test
    void defaultToAnHourOfLabelWaitASevenDayHorizonAndDuplicatesRememberedForTheHorizon() {
        JoinSettings defaults = JoinSettings.defaults();

        assertThat(defaults.labelWait()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.horizon()).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.storeType()).isEqualTo(JoinSettings.StoreType.PERSISTENT);
    }

    @Test
    void rememberDuplicatesForTheGivenHorizonUnlessToldOtherwise() {
        assertThat(JoinSettings.of(Duration.ofMinutes(5), Duration.ofDays(2)).dedupRetention()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void refuseANonPositiveWaitNamingTheSettingAndValue() {
        assertThatThrownBy(() -> JoinSettings.of(Duration.ZERO, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("join.label-wait must be positive, was PT0S");
        assertThatThrownBy(() -> JoinSettings.defaults().withDedupRetention(Duration.ofHours(-1)))
                .hasMessage("join.dedup-retention must be positive, was PT-1H");
    }

    @Test
    void acceptZeroAsTheIdleBackstopTurnedOffButNotANegativeIdleTime() {
        assertThat(JoinSettings.defaults().withIdleExpiryAfter(Duration.ZERO).idleExpiryAfter()).isZero();
        assertThatThrownBy(() -> JoinSettings.defaults().withIdleExpiryAfter(Duration.ofSeconds(-1)))
                .hasMessage("join.idle-expiry-after must be zero (off) or positive, was PT-1S");
    }

    @Test
    void refuseAScanThatMayExpireNothing() {
        assertThatThrownBy(() -> JoinSettings.defaults().withMaxExpiriesPerScan(0))
                .hasMessage("join.max-expiries-per-scan must be positive, was 0");
    }
}
