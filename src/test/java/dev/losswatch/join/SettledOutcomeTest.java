package dev.losswatch.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A settled outcome in its store")
class SettledOutcomeTest {

    private final Serde<SettledOutcome> serde = SettledOutcome.serde();

    private SettledOutcome roundTrip(SettledOutcome outcome) {
        byte[] bytes = serde.serializer().serialize("settled", outcome);
        assertThat(bytes).hasSize(18);
        return serde.deserializer().deserialize("settled", bytes);
    }

    @Test
    void keepsKindFingerprintAndExpiryIn18Bytes() {
        assertThat(roundTrip(SettledOutcome.joined(-3561384067564179046L, 1_741_392_000_000L)))
                .isEqualTo(new SettledOutcome(SettledOutcome.Kind.JOINED, -3561384067564179046L, 1_741_392_000_000L));
        assertThat(roundTrip(SettledOutcome.unlabeled(5L))).isEqualTo(SettledOutcome.unlabeled(5L));
    }

    @Test
    void refusesBytesOfAnotherFormatSayingWhatItFound() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("settled-changelog", new byte[] {9, 1}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("settled-outcome value in settled-changelog has 2 bytes and format version 9; expected version 1 in 18 bytes");
    }
}
