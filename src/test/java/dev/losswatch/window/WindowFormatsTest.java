package dev.losswatch.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.LogBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The byte forms of keys and inputs: round trips, order preservation, and clear errors on bad bytes. */
class WindowFormatsTest {
    /** Prefixes, empty strings, embedded NUL and non-ASCII: the cases an order-preserving string code must get right. */
    private static final List<String> AWKWARD = List.of("", "a", "a\u0000", "a\u0000b", "ab", "b", "é", "\u00ff");

    private static final Comparator<WindowKey> KEY_ORDER = Comparator.comparing(WindowKey::modelId)
            .thenComparing(WindowKey::modelVersion).thenComparing(WindowKey::sliceKey)
            .thenComparing(WindowKey::sliceValue).thenComparingInt(WindowKey::shard);

    private static List<WindowKey> awkwardKeys() {
        List<WindowKey> keys = new ArrayList<>();
        for (String model : AWKWARD) {
            for (String version : AWKWARD) {
                for (String slice : List.of("", "a", "a\u0000")) {
                    for (int shard : new int[] {0, 1, 256}) {
                        keys.add(new WindowKey(model, version, slice, slice, shard));
                    }
                }
            }
        }
        return keys;
    }

    @Test
    void windowKeyBytesSortLikeTheKeysFieldByField() {
        List<WindowKey> keys = awkwardKeys();
        List<WindowKey> byBytes = new ArrayList<>(keys);
        byBytes.sort((a, b) -> Arrays.compareUnsigned(a.toBytes(), b.toBytes()));
        List<WindowKey> byFields = new ArrayList<>(keys);
        byFields.sort(KEY_ORDER);

        assertThat(byBytes).containsExactlyElementsOf(byFields);
    }

    @Test
    void windowIdBytesSortByModelThenSizeThenStartThenTheRestOfTheKey() {
        List<WindowId> ids = new ArrayList<>();
        for (WindowKey key : awkwardKeys()) {
            for (long size : new long[] {60_000, 3_600_000}) {
                for (long start : new long[] {0, 3_600_000, 7_200_000}) {
                    ids.add(new WindowId(key, size, start));
                }
            }
        }
        List<WindowId> byBytes = new ArrayList<>(ids);
        byBytes.sort((a, b) -> Arrays.compareUnsigned(a.toBytes(), b.toBytes()));
        List<WindowId> byFields = new ArrayList<>(ids);
        byFields.sort(Comparator.comparing((WindowId id) -> id.key().modelId()).thenComparingLong(WindowId::sizeMs)
                .thenComparingLong(WindowId::startMs).thenComparing(WindowId::key, KEY_ORDER));

        assertThat(byBytes).containsExactlyElementsOf(byFields);
    }

    @Test
    void keysAndWindowIdsSurviveTheirSerdes() {
        for (WindowKey key : awkwardKeys()) {
            assertThat(roundTrip(WindowKey.serde(), key)).isEqualTo(key);
            WindowId id = WindowId.containing(key, 300_000, 1_767_225_912_345L);
            assertThat(roundTrip(WindowId.serde(), id)).isEqualTo(id);
        }
    }

    @Test
    void everyKindOfInputSurvivesItsSerde() {
        LossAggregate aggregate = new LossAggregate();
        aggregate.add(0.7, 2.0, false, 0.4);
        aggregate.addPrediction();

        WindowInput.Scored scored = new WindowInput.Scored(0.25, LogBase.TWO, 1.5, true, 0.875);
        assertThat(roundTrip(WindowInput.serde(), scored)).isEqualTo(scored);
        assertThat(roundTrip(WindowInput.serde(), WindowInput.PREDICTION_SEEN)).isSameAs(WindowInput.PREDICTION_SEEN);
        WindowInput.Partial partial = (WindowInput.Partial) roundTrip(WindowInput.serde(),
                new WindowInput.Partial(60_000, LogBase.E, aggregate));
        assertThat(partial.windowSizeMs()).isEqualTo(60_000);
        assertThat(partial.logBase()).isEqualTo(LogBase.E);
        assertThat(partial.aggregate().count()).isEqualTo(1);
        assertThat(partial.aggregate().predictionCount()).isEqualTo(1);
        assertThat(partial.aggregate().meanLoss()).isEqualTo(0.7);

        LateInput late = new LateInput(60_000, 120_000, scored);
        assertThat(roundTrip(LateInput.serde(), late)).isEqualTo(late);
    }

    @Test
    void windowStateSurvivesItsSerdeWithItsFlags() {
        WindowState state = new WindowState(64);
        state.apply(new WindowInput.Scored(1.25, LogBase.TEN, 1.0, true, 0.5));
        state.markClosed();

        WindowState copy = roundTrip(WindowState.serde(), state);

        assertThat(copy.isClosed()).isTrue();
        assertThat(copy.changedSinceEmit()).isFalse();
        assertThat(copy.logBase()).isEqualTo(LogBase.TEN);
        assertThat(copy.aggregate().sketchK()).isEqualTo(64);
        assertThat(copy.aggregate().meanLoss()).isEqualTo(1.25);
    }

    @Test
    void aWindowKeepsItsLossesInTheUnitOfItsFirstLoss() {
        WindowState state = new WindowState(LossAggregate.DEFAULT_SKETCH_K);
        state.apply(new WindowInput.Scored(2.0, LogBase.TWO, 1.0, true, 0.5));
        state.apply(new WindowInput.Scored(Math.log(2.0), LogBase.E, 1.0, true, 0.5));

        assertThat(state.logBase()).isEqualTo(LogBase.TWO);
        assertThat(state.aggregate().minLoss()).isEqualTo(1.0);
        assertThat(state.aggregate().maxLoss()).isEqualTo(2.0);
    }

    @Test
    void badBytesAreRejectedWithWhatAndWhere() {
        byte[] key = new WindowKey("m", "v", "", "").toBytes();
        byte[] otherVersion = key.clone();
        otherVersion[0] = 7;
        byte[] badEscape = {1, 'm', 0, 0x42};

        assertThatThrownBy(() -> WindowKey.fromBytes(otherVersion)).isInstanceOf(SerializationException.class)
                .hasMessage("WindowKey: format version 7 is not supported (expected 1)");
        assertThatThrownBy(() -> WindowKey.fromBytes(Arrays.copyOf(key, key.length - 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated in field shard");
        assertThatThrownBy(() -> WindowKey.fromBytes(badEscape)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("field modelId starting at byte 1 has 0x00 followed by 0x42 at byte 3");
        assertThatThrownBy(() -> WindowInput.serde().deserializer().deserialize("t", new byte[] {1, 9}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("kind 9 at byte 1");
        assertThatThrownBy(() -> WindowInput.serde().deserializer().deserialize("t", new byte[] {1, 1, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Scored: 3 bytes, expected 28");
    }

    @Test
    void aSliceValueNeedsASliceKey() {
        assertThatThrownBy(() -> new WindowKey("churn", "v1", "", "eu"))
                .hasMessage("WindowKey of model churn: sliceValue 'eu' has no sliceKey (both are empty for the whole model)");
        assertThat(new WindowKey("churn", "v1", "region", "").sliceValue()).as("an attribute whose value is empty")
                .isEmpty();
    }

    @Test
    void decodedValuesThatBreakTheTypesRulesAreSerializationErrorsNamingTheTopic() {
        byte[] negativeShard = new OrderedBytes.Writer().writeByte(1).writeString("m").writeString("")
                .writeString("").writeString("").writeInt(-1).toByteArray();

        assertThatThrownBy(() -> WindowKey.serde().deserializer().deserialize("losswatch.windows", negativeShard))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("from topic losswatch.windows")
                .hasMessageContaining("shard must be >= 0, got -1");
    }

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }
}
