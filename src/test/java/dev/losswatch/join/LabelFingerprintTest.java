package dev.losswatch.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.Label;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A label's fingerprint")
class LabelFingerprintTest {

    private static final Instant AT = Instant.parse("2025-03-01T00:00:00Z");

    private static Label.Builder label() {
        return Label.newBuilder().setPredictionId("p1").setTimestamp(AT);
    }

    private static long fingerprint(Label.Builder label) {
        return LabelFingerprint.of(label.build());
    }

    @Test
    void ignoresTheTimestamp() {
        assertThat(fingerprint(label().setClassIndex(2)))
                .isEqualTo(fingerprint(label().setClassIndex(2).setTimestamp(AT.plusSeconds(3600))));
    }

    @Test
    void changesWithTheClassOrTheWeight() {
        long classTwo = fingerprint(label().setClassIndex(2));
        assertThat(fingerprint(label().setClassIndex(3))).isNotEqualTo(classTwo);
        assertThat(fingerprint(label().setClassIndex(2).setWeight(0.5))).isNotEqualTo(classTwo);
    }

    @Test
    void tellsTheKindsOfTargetApartEvenWhenTheyLookAlike() {
        assertThat(List.of(
                fingerprint(label().setClassIndex(1)),
                fingerprint(label().setClassName("1")),
                fingerprint(label().setPositives(List.of(1))),
                fingerprint(label().setDistribution(List.of(1.0f)))))
                .doesNotHaveDuplicates();
    }

    @Test
    void readsMultiLabelPositivesAsASet() {
        assertThat(fingerprint(label().setPositives(List.of(3, 1, 2))))
                .isEqualTo(fingerprint(label().setPositives(List.of(1, 2, 3))))
                .isNotEqualTo(fingerprint(label().setPositives(List.of(1, 2))));
    }

    @Test
    void countsEveryProbabilityOfASoftTargetAndTreatsNegativeZeroAsZero() {
        assertThat(fingerprint(label().setDistribution(List.of(0.7f, 0.3f))))
                .isNotEqualTo(fingerprint(label().setDistribution(List.of(0.3f, 0.7f))));
        assertThat(fingerprint(label().setDistribution(List.of(1.0f, -0.0f))))
                .isEqualTo(fingerprint(label().setDistribution(List.of(1.0f, 0.0f))));
    }

    @Test
    void staysTheSameAcrossReleasesBecauseItIsPersisted() {
        assertThat(fingerprint(label().setClassIndex(1))).isEqualTo(CLASS_INDEX_ONE_WEIGHT_ONE);
    }

    /** Pinned from the first release: a change here would turn every remembered label copy into a conflict. */
    private static final long CLASS_INDEX_ONE_WEIGHT_ONE = -3561384067564179046L;
}
