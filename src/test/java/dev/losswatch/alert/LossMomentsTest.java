package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LossMomentsTest {

    @Test
    void unitWeightsGiveTheOrdinarySampleMeanAndVariance() {
        LossMoments moments = new LossMoments();
        for (double loss : new double[] {0.5, 1.5, 2.0, 4.0}) {
            moments.add(loss);
        }
        assertThat(moments.mean()).isCloseTo(2.0, within(1e-15));
        assertThat(moments.variance()).isCloseTo((2.25 + 0.25 + 0 + 4) / 3, within(1e-15));
        assertThat(moments.effectiveCount()).isCloseTo(4, within(1e-12));
    }

    @Test
    void weightsGiveTheWeightedMeanAndKishEffectiveCount() {
        LossMoments moments = new LossMoments();
        moments.add(1.0, 3.0);
        moments.add(2.0, 1.0);
        assertThat(moments.mean()).isCloseTo(1.25, within(1e-15));
        assertThat(moments.effectiveCount()).isCloseTo(16.0 / 10.0, within(1e-15));
        // reliability-weighted: m2 / (V1 − V2/V1) with m2 = 3·0.0625 + 1·0.5625 = 0.75
        assertThat(moments.variance()).isCloseTo(0.75 / (4 - 10.0 / 4), within(1e-15));
        assertThat(moments.varianceOfMean()).isCloseTo(moments.variance() / 1.6, within(1e-15));
    }

    @Test
    void mergingEqualsAddingEveryEventToOneAggregate() {
        SplittableRandom random = new SplittableRandom(3);
        LossMoments all = new LossMoments();
        LossMoments first = new LossMoments();
        LossMoments second = new LossMoments();
        for (int i = 0; i < 1000; i++) {
            double loss = -Math.log(random.nextDouble());
            double weight = 0.5 + random.nextDouble();
            all.add(loss, weight);
            (i % 3 == 0 ? first : second).add(loss, weight);
        }
        first.merge(second);
        assertThat(first.count()).isEqualTo(all.count());
        assertThat(first.mean()).isCloseTo(all.mean(), within(1e-12));
        assertThat(first.variance()).isCloseTo(all.variance(), within(1e-12));
        assertThat(first.effectiveCount()).isCloseTo(all.effectiveCount(), within(1e-9));
    }

    @Test
    void summariesOfWindowsAggregatedElsewhereKeepTheirVariance() {
        LossMoments moments = LossMoments.of(500, 400.0, 380.0, 0.8, 0.9);
        assertThat(moments.variance()).isCloseTo(0.9, within(1e-12));
        assertThat(moments.effectiveCount()).isCloseTo(400.0 * 400.0 / 380.0, within(1e-9));
    }

    @Test
    void rejectsNonFiniteLossesAndNonPositiveWeightsNamingTheValue() {
        LossMoments moments = new LossMoments();
        assertThatThrownBy(() -> moments.add(Double.NaN)).hasMessageContaining("loss=NaN");
        assertThatThrownBy(() -> moments.add(1.0, 0.0)).hasMessageContaining("weight=0.0");
        assertThatThrownBy(() -> LossMoments.of(3, 3, 3, 1.0, -1)).hasMessageContaining("variance=-1.0");
    }
}
