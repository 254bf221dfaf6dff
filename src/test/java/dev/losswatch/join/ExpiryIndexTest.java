package dev.losswatch.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.join.ExpiryIndex.EntryKind;
import dev.losswatch.join.ExpiryIndex.WaitingValue;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The expiry index key")
class ExpiryIndexTest {

    @Test
    void sortsByExpiryTimeAsUnsignedBytesDoAcrossByteBoundaries() {
        List<Bytes> keys = List.of(
                ExpiryIndex.key(255, EntryKind.SETTLED, "zz"),
                ExpiryIndex.key(256, EntryKind.PREDICTION, "a"),
                ExpiryIndex.key(1L << 40, EntryKind.LABEL, "m"),
                ExpiryIndex.key(Long.MAX_VALUE, EntryKind.PREDICTION, "a"));

        assertThat(keys).isSorted();
    }

    @Test
    void theScanBoundForATimeIncludesEveryKeyOfThatTimeAndNoneOfTheNextMillisecond() {
        long now = 1_740_787_200_000L;
        Bytes bound = ExpiryIndex.upperBoundThrough(now);

        assertThat(ExpiryIndex.key(now, EntryKind.SETTLED, "\uffff\uffff")).isLessThanOrEqualTo(bound);
        assertThat(ExpiryIndex.key(now - 1, EntryKind.LABEL, "p")).isLessThanOrEqualTo(bound);
        assertThat(ExpiryIndex.key(now + 1, EntryKind.PREDICTION, "")).isGreaterThan(bound);
        assertThat(ExpiryIndex.key(0, EntryKind.PREDICTION, "")).isGreaterThanOrEqualTo(ExpiryIndex.LOWEST);
    }

    @Test
    void decodesTheTimeKindAndPredictionIdItWasMadeOf() {
        assertThat(ExpiryIndex.decode(ExpiryIndex.key(42L, EntryKind.LABEL, "prédiction-1")))
                .isEqualTo(new ExpiryIndex.Entry(42L, EntryKind.LABEL, "prédiction-1"));
    }

    @Test
    void refusesANegativeExpiryTimeNamingThePrediction() {
        assertThatThrownBy(() -> ExpiryIndex.key(-5, EntryKind.PREDICTION, "p1"))
                .hasMessage("expiry time must not be negative, was -5 for predictionId 'p1'");
    }

    @Test
    void aWaitingValueKeepsTheArrivalTimeAndTheLabelSource() {
        WaitingValue label = new WaitingValue(7L, Optional.of(new LabelSource("labels", 3, 1_234_567_890_123L)));
        WaitingValue prediction = new WaitingValue(8L, Optional.empty());

        assertThat(WaitingValue.decode(label.encode())).isEqualTo(label);
        assertThat(WaitingValue.decode(prediction.encode())).isEqualTo(prediction);
    }

    @Test
    void aWaitingValueOfAnotherFormatIsRefusedWithItsLength() {
        assertThatThrownBy(() -> WaitingValue.decode(new byte[] {2, 0, 0}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("expiry-index value of 3 bytes is not a version 1 waiting entry");
    }
}
