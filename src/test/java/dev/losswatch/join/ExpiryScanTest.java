package dev.losswatch.join;

import static dev.losswatch.join.JoinTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The join's expiry scan")
class ExpiryScanTest {

    private static final int WAITING_PREDICTIONS = 1_000;
    private static final int WAITING_LABELS = 10;

    private final List<CountingKeyValueStore> indexStores = new ArrayList<>();
    private JoinTestBed bed;

    @AfterEach
    void close() {
        bed.close();
    }

    private void startWith(JoinSettings settings) {
        bed = JoinTestBed.inMemory(settings, supplier -> CountingKeyValueStore.wrapping(supplier, indexStores));
    }

    private void waitingLabelsThenManyWaitingPredictions() {
        for (int i = 0; i < WAITING_LABELS; i++) {
            bed.label("label-" + i, T0, 1);
        }
        for (int i = 0; i < WAITING_PREDICTIONS; i++) {
            bed.predict("prediction-" + i, T0.plusSeconds(i));
        }
    }

    @Test
    void readsOnlyTheIndexEntriesThatHaveExpiredAndNeverScansTheWholeIndex() {
        startWith(JoinSettings.defaults());
        waitingLabelsThenManyWaitingPredictions();
        assertThat(bed.orphanLabels.isEmpty()).isTrue();

        bed.advanceStreamTimeTo(T0.plus(JoinSettings.DEFAULT_LABEL_WAIT));

        assertThat(bed.orphanLabels.readValuesToList()).hasSize(WAITING_LABELS);
        CountingKeyValueStore index = indexStores.get(0);
        assertThat(index.entriesReadByRangeScans()).isEqualTo(WAITING_LABELS);
        assertThat(index.fullScans()).isZero();
        assertThat(bed.storeSizes().get(3)).as("index entries left waiting, the clock tick included").isEqualTo(WAITING_PREDICTIONS + 1L);
    }

    @Test
    void drainsABacklogLargerThanOneScanAllowsOverTheFollowingScans() {
        startWith(JoinSettings.defaults().withMaxExpiriesPerScan(4));
        waitingLabelsThenManyWaitingPredictions();

        bed.advanceStreamTimeTo(T0.plus(JoinSettings.DEFAULT_LABEL_WAIT));
        assertThat(bed.orphanLabels.readValuesToList()).hasSize(4);

        bed.advanceWallClock(JoinSettings.DEFAULT_EXPIRY_INTERVAL);
        assertThat(bed.orphanLabels.readValuesToList()).hasSize(4);

        bed.advanceWallClock(JoinSettings.DEFAULT_EXPIRY_INTERVAL);
        assertThat(bed.orphanLabels.readValuesToList()).hasSize(2);
        assertThat(bed.storeSizes().get(1)).as("labels still waiting").isZero();
        assertThat(bed.unlabeled.isEmpty()).isTrue();
    }
}
