package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistributionsTest {

    @Test
    void normalQuantilesMatchTabulatedValues() {
        assertThat(Distributions.normalQuantile(0.975)).isCloseTo(1.959963984540054, within(1e-14));
        assertThat(Distributions.normalQuantile(0.5)).isCloseTo(0.0, within(1e-15));
        assertThat(Distributions.normalQuantile(1e-10)).isCloseTo(-6.361340902404056, within(1e-12));
        assertThat(Distributions.normalQuantile(0.999)).isCloseTo(3.090232306167813, within(1e-13));
    }

    @Test
    void studentQuantilesMatchTabulatedValues() {
        assertThat(Distributions.studentTUpperQuantile(0.025, 1)).isCloseTo(12.706204736174705, within(1e-9));
        assertThat(Distributions.studentTUpperQuantile(0.025, 10)).isCloseTo(2.228138851986274, within(1e-11));
        assertThat(Distributions.studentTUpperQuantile(0.005, 30)).isCloseTo(2.749995653567288, within(1e-11));
        assertThat(Distributions.studentTUpperQuantile(1e-6, 200)).isCloseTo(4.897302102826782, within(1e-10));
    }

    @Test
    void studentQuantileApproachesTheNormalOneForManyDegreesOfFreedom() {
        assertThat(Distributions.studentTUpperQuantile(0.001, 1e9))
                .isCloseTo(Distributions.normalQuantile(0.999), within(1e-12));
        assertThat(Distributions.studentTUpperQuantile(0.001, 1e5))
                .isCloseTo(Distributions.normalQuantile(0.999), within(1e-3));
    }

    @Test
    void studentTailInvertsItsQuantile() {
        for (double df : new double[] {2, 7.5, 50, 4000}) {
            double t = Distributions.studentTUpperQuantile(0.0123, df);
            assertThat(Distributions.studentTUpperTail(t, df)).isCloseTo(0.0123, within(1e-12));
        }
    }

    @Test
    void rejectsProbabilitiesOutsideTheirRange() {
        assertThatThrownBy(() -> Distributions.normalQuantile(1.0)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Distributions.studentTUpperQuantile(0.7, 5)).hasMessageContaining("(0, 0.5)");
        assertThatThrownBy(() -> Distributions.studentTUpperQuantile(0.01, 0.5)).hasMessageContaining("at least 1");
    }
}
