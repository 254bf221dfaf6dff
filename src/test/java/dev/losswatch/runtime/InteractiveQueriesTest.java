package dev.losswatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.losswatch.events.Label;
import dev.losswatch.events.Prediction;
import dev.losswatch.window.WindowId;
import dev.losswatch.window.WindowSettings;
import dev.losswatch.window.WindowState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Interactive queries")
class InteractiveQueriesTest {
    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");
    private static final WindowSettings WINDOWS = WindowSettings.defaults()
            .withSizes(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)));

    @TempDir
    Path stateDir;

    @Nested
    @DisplayName("of the models")
    class Models {
        /** The losswatch topology in a test driver, fed one scored prediction per (model, version). */
        private Map<String, Set<String>> modelsInWindowStore(long largestSizeMs, String... modelAndVersion) {
            OfflineTopology losswatch = OfflineTopology.of("interactive-queries-test", WINDOWS, stateDir, new SimpleMeterRegistry());
            try (TopologyTestDriver driver = new TopologyTestDriver(losswatch.topology(), losswatch.properties(), NOW)) {
                TestInputTopic<String, Prediction> predictions = driver.createInputTopic(
                        losswatch.settings().topics().predictions(), new StringSerializer(), losswatch.serdes().prediction().serializer());
                TestInputTopic<String, Label> labels = driver.createInputTopic(
                        losswatch.settings().topics().labels(), new StringSerializer(), losswatch.serdes().label().serializer());
                for (int i = 0; i < modelAndVersion.length; i++) {
                    String[] parts = modelAndVersion[i].split("@", -1);
                    String id = "p" + i;
                    predictions.pipeInput(id, Traffic.prediction(id, parts[0], parts[1], NOW), NOW);
                    labels.pipeInput(id, Traffic.label(id, NOW.plusSeconds(1)), NOW.plusSeconds(1));
                }
                KeyValueStore<WindowId, WindowState> store = driver.getKeyValueStore(InteractiveQueries.WINDOWS_STORE);
                Map<String, Set<String>> found = new TreeMap<>();
                InteractiveQueries.collectModels(store, largestSizeMs, found);
                return found;
            }
        }

        @Test
        void areEveryModelOfTheWindowStoreWithEveryVersionEvenWhenOneIdIsAPrefixOfAnother() {
            Map<String, Set<String>> models = modelsInWindowStore(Duration.ofMinutes(5).toMillis(),
                    "churn@v2", "ch@v1", "churn@v1", "churn-eu@v3", "churn\u0000x@v1", "zeta@", "churn@v2");

            assertThat(models).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    "ch", Set.of("v1"),
                    "churn", Set.of("v1", "v2"),
                    "churn\u0000x", Set.of("v1"),
                    "churn-eu", Set.of("v3"),
                    "zeta", Set.of(""))));
        }

        @Test
        void areFoundInTheSmallerWindowsWhenAModelHasNoneOfTheLargestSize() {
            // as after window.sizes lost its largest size: the store holds no window of the size asked for
            Map<String, Set<String>> models = modelsInWindowStore(Duration.ofHours(1).toMillis(), "churn@v1", "churn@v2", "fraud@v7");

            assertThat(models).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    "churn", Set.of("v1", "v2"),
                    "fraud", Set.of("v7"))));
        }
    }

    @Nested
    @DisplayName("of the windows")
    class WindowQueries {
        private KafkaStreams streams;
        private InteractiveQueries queries;

        @BeforeEach
        void createQueries() {
            // the parameters are checked before any store is read: Kafka Streams needs no broker here
            OfflineTopology losswatch = OfflineTopology.of("interactive-queries-test", WINDOWS, stateDir, new SimpleMeterRegistry());
            streams = new KafkaStreams(losswatch.topology(), losswatch.properties());
            queries = new InteractiveQueries(streams, losswatch.topology().describe(), new HostInfo("127.0.0.1", 1), WINDOWS,
                    new PeerClient(""), Clock.fixed(NOW, ZoneOffset.UTC));
        }

        @AfterEach
        void closeStreams() {
            streams.close(Duration.ZERO);
        }

        @Test
        void defaultToTheSmallestSizeOverTheLastHour() {
            InteractiveQueries.WindowQuery query = queries.windowQuery(null, null, null);

            assertThat(query).isEqualTo(new InteractiveQueries.WindowQuery(Duration.ofMinutes(1), NOW.minusSeconds(3600), NOW));
        }

        @Test
        void takeEpochMillisecondsAndIsoInstantsAndAnHourBeforeAGivenEnd() {
            InteractiveQueries.WindowQuery query = queries.windowQuery("5m", null, "2026-01-31T10:00:00Z");

            assertThat(query).isEqualTo(new InteractiveQueries.WindowQuery(Duration.ofMinutes(5),
                    Instant.parse("2026-01-31T09:00:00Z"), Instant.parse("2026-01-31T10:00:00Z")));
            assertThat(queries.windowQuery("PT1M", "1000", "2000").from()).isEqualTo(Instant.ofEpochMilli(1000));
        }

        @Test
        void passToAnotherInstanceAsAQueryThatReadsBackTheSame() {
            InteractiveQueries.WindowQuery query = queries.windowQuery("5m", "2026-01-31T09:00:00.123Z", null);

            Map<String, String> forwarded = new TreeMap<>();
            for (String pair : query.toQueryString().split("&")) {
                forwarded.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }

            assertThat(queries.windowQuery(forwarded.get("size"), forwarded.get("from"), forwarded.get("to"))).isEqualTo(query);
        }

        @Test
        void refuseATimeBeyondTheRangeOfEpochMilliseconds() {
            assertThatThrownBy(() -> queries.windowQuery(null, "99999999999999999999", null))
                    .isInstanceOf(HttpApiException.class)
                    .hasMessageContaining("from='99999999999999999999' is neither epoch milliseconds");
        }

        @Test
        void refuseTimesOutsideThoseAWindowCanHave() {
            assertThatThrownBy(() -> queries.windowQuery(null, "-1", null))
                    .isInstanceOf(HttpApiException.class)
                    .hasMessageContaining("from='-1' is outside the times a window can have: 1970-01-01T00:00:00Z to");
            assertThatThrownBy(() -> queries.windowQuery(null, null, "+1000000000-01-01T00:00:00Z"))
                    .isInstanceOf(HttpApiException.class)
                    .hasMessageContaining("to='+1000000000-01-01T00:00:00Z' is outside the times a window can have");
        }
    }
}
