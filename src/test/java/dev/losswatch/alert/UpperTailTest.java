package dev.losswatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class UpperTailTest {

    @Test
    void keepsExactlyTheLargestValuesSeen() {
        SplittableRandom random = new SplittableRandom(5);
        double[] all = new double[20_000];
        UpperTail tail = new UpperTail();
        for (int i = 0; i < all.length; i++) {
            all[i] = random.nextDouble();
            tail.add(all[i]);
        }
        Arrays.sort(all);
        assertThat(tail.sortedValues()).containsExactly(Arrays.copyOfRange(all, all.length - UpperTail.CAPACITY, all.length));
    }

    @Test
    void keepsEverythingWhileBelowCapacityAndRebuildsFromItsValues() {
        UpperTail tail = UpperTail.of(new double[] {3, 1, 2});
        assertThat(tail.sortedValues()).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> UpperTail.of(new double[UpperTail.CAPACITY + 1])).hasMessageContaining("at most 1024");
    }
}
