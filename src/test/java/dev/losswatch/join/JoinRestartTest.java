package dev.losswatch.join;

import static dev.losswatch.join.JoinTestBed.LABEL_SERDE;
import static dev.losswatch.join.JoinTestBed.PREDICTION_SERDE;
import static dev.losswatch.join.JoinTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart that lost its local disk: a second driver with a fresh topology and empty RocksDB stores is
 * given exactly what the first driver wrote to the four changelogs, applied as Kafka Streams' restore does
 * (in order, null values deleting, a timestamped store taking the record timestamp as the value's), and
 * must carry on as if nothing had happened. TopologyTestDriver cannot restore by itself, and it deletes its
 * state directory on close, so the changelog is the state that can be carried across.
 */
@DisplayName("The prediction-label join after a restart")
class JoinRestartTest {

    private static final StringDeserializer STRINGS = new StringDeserializer();
    private static final ByteArrayDeserializer BYTES = new ByteArrayDeserializer();
    private static final List<String> STORES = List.of(
            PredictionLabelJoin.PENDING_PREDICTIONS_STORE,
            PredictionLabelJoin.PENDING_LABELS_STORE,
            PredictionLabelJoin.SETTLED_STORE,
            PredictionLabelJoin.EXPIRY_INDEX_STORE);

    @Test
    void resumesWaitingPredictionsWaitingLabelsAndJoinedIdsFromItsChangelogs(@TempDir Path stateDir) {
        JoinSettings settings = JoinSettings.defaults();
        Instant lastInputTime = T0.plusSeconds(1);
        Map<String, List<TestRecord<byte[], byte[]>>> changelogs;
        try (JoinTestBed before = JoinTestBed.persistent(settings, stateDir.resolve("before"), new SimpleMeterRegistry())) {
            before.predict("waiting-prediction", T0);
            before.label("waiting-label", T0, 0);
            before.predict("joined", T0);
            before.label("joined", lastInputTime, 1);
            assertThat(before.joined.readValuesToList()).hasSize(1);
            changelogs = readChangelogs(before);
        }

        assertThat(changelogs.values()).allSatisfy(records -> assertThat(records)
                .as("changelog records a broker accepts: none stamped after stream time")
                .allSatisfy(record -> assertThat(record.getRecordTime()).isBeforeOrEqualTo(lastInputTime)));

        try (JoinTestBed after = JoinTestBed.persistent(settings, stateDir.resolve("after"), new SimpleMeterRegistry())) {
            restore(after, changelogs);
            assertThat(after.storeSizes()).containsExactly(1L, 1L, 1L, 3L);

            after.label("waiting-prediction", T0.plusSeconds(60), 1);
            after.predict("waiting-label", T0.plusSeconds(60));
            after.label("joined", T0.plusSeconds(60), 1);

            assertThat(after.joined.readKeyValuesToList()).extracting(kv -> kv.key)
                    .containsExactlyInAnyOrder("waiting-prediction", "waiting-label");
            assertThat(after.counts().duplicateLabels()).isEqualTo(1);
            assertThat(after.storeSizes()).containsExactly(0L, 0L, 3L, 3L);
        }
    }

    private static Map<String, List<TestRecord<byte[], byte[]>>> readChangelogs(JoinTestBed bed) {
        Map<String, List<TestRecord<byte[], byte[]>>> changelogs = new LinkedHashMap<>();
        for (String store : STORES) {
            changelogs.put(store, bed.driver.createOutputTopic(JoinTestBed.APPLICATION_ID + "-" + store + "-changelog", BYTES, BYTES)
                    .readRecordsToList());
        }
        return changelogs;
    }

    private static void restore(JoinTestBed bed, Map<String, List<TestRecord<byte[], byte[]>>> changelogs) {
        restoreTimestamped(bed.driver.<String, Prediction>getTimestampedKeyValueStore(PredictionLabelJoin.PENDING_PREDICTIONS_STORE),
                changelogs.get(PredictionLabelJoin.PENDING_PREDICTIONS_STORE), PREDICTION_SERDE.deserializer());
        restoreTimestamped(bed.driver.<String, Label>getTimestampedKeyValueStore(PredictionLabelJoin.PENDING_LABELS_STORE),
                changelogs.get(PredictionLabelJoin.PENDING_LABELS_STORE), LABEL_SERDE.deserializer());
        KeyValueStore<String, SettledOutcome> settled = bed.driver.getKeyValueStore(PredictionLabelJoin.SETTLED_STORE);
        Deserializer<SettledOutcome> outcomes = SettledOutcome.serde().deserializer();
        for (TestRecord<byte[], byte[]> record : changelogs.get(PredictionLabelJoin.SETTLED_STORE)) {
            settled.put(STRINGS.deserialize("", record.key()), outcomes.deserialize("", record.value()));
        }
        KeyValueStore<Bytes, byte[]> index = bed.driver.getKeyValueStore(PredictionLabelJoin.EXPIRY_INDEX_STORE);
        for (TestRecord<byte[], byte[]> record : changelogs.get(PredictionLabelJoin.EXPIRY_INDEX_STORE)) {
            index.put(Bytes.wrap(record.key()), record.value());
        }
    }

    /** Restores one of the two pending stores. */
    private static <V> void restoreTimestamped(KeyValueStore<String, ValueAndTimestamp<V>> store, List<TestRecord<byte[], byte[]>> records,
                                               Deserializer<V> values) {
        for (TestRecord<byte[], byte[]> record : records) {
            V value = values.deserialize("", record.value());
            store.put(STRINGS.deserialize("", record.key()),
                    value == null ? null : ValueAndTimestamp.make(value, record.timestamp()));
        }
    }
}
