package dev.losswatch.runtime;

import dev.losswatch.topology.LosswatchTopology;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.losswatch.events.DriftAlert;
import dev.losswatch.events.EventJson;
import dev.losswatch.events.LossWindow;
import dev.losswatch.window.LossWindows;
import dev.losswatch.window.WindowId;
import dev.losswatch.window.WindowKey;
import dev.losswatch.window.WindowSettings;
import dev.losswatch.window.WindowState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The answers of the query endpoints, from the stores of every instance of the application: this instance
 * reads its own partitions, asks each other instance that hosts the store for its local part
 * ({@code ?local=true}, in parallel), and merges. Each partition is active on exactly one instance and only
 * active partitions are read, so nothing is counted twice.
 */
final class InteractiveQueries {
    /** Current alert state per {@code model|version|sliceKey|sliceValue|detector}: {@code KeyValueStore<String, DriftAlert>}. */
    static final String ALERT_STATES_STORE = LosswatchTopology.ALERT_STATES_STORE;
    static final String WINDOWS_STORE = LossWindows.storeName(LossWindows.DEFAULT_NAME);
    /** The window range a query gets when it names no start. */
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);

    /** Windows reject event times beyond 2^61 ms (docs/windows.md), which keeps their arithmetic from overflowing. */
    private static final Instant LATEST = Instant.ofEpochMilli(1L << 61);
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,19}");
    private static final Comparator<JsonNode> WINDOW_ORDER = Comparator
            .<JsonNode>comparingLong(window -> window.path("windowStart").asLong())
            .thenComparing(window -> window.path("windowSizeMs").asLong())
            .thenComparing(window -> window.path("modelVersion").asText())
            .thenComparing(window -> window.path("sliceKey").asText())
            .thenComparing(window -> window.path("sliceValue").asText());
    private static final Comparator<JsonNode> ALERT_ORDER = Comparator
            .<JsonNode, String>comparing(alert -> alert.path("modelId").asText())
            .thenComparing(alert -> alert.path("modelVersion").asText())
            .thenComparing(alert -> alert.path("sliceKey").asText())
            .thenComparing(alert -> alert.path("sliceValue").asText())
            .thenComparing(alert -> alert.path("detector").asText());

    /** A validated window query: a configured size and a non-empty range {@code [from, to)}. */
    record WindowQuery(Duration size, Instant from, Instant to) {
        /** The same query in the form another instance parses back exactly, whatever its clock says. */
        String toQueryString() {
            return "size=" + size.toMillis() + "ms&from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli();
        }
    }

    private final KafkaStreams streams;
    private final LocalStores local;
    private final HostInfo self;
    private final WindowSettings windows;
    private final PeerClient peers;
    private final Clock clock;

    /**
     * @param self this instance's {@code application.server}, as the other instances see it in the metadata
     */
    InteractiveQueries(KafkaStreams streams, TopologyDescription topology, HostInfo self, WindowSettings windows,
                       PeerClient peers, Clock clock) {
        this.streams = streams;
        this.local = new LocalStores(streams, topology);
        this.self = self;
        this.windows = windows;
        this.peers = peers;
        this.clock = clock;
    }

    /** {@code [{"modelId": ..., "versions": [...]}]}, sorted, from the windows in the stores. */
    ArrayNode models(boolean localOnly) {
        Map<String, Set<String>> versionsByModel = new TreeMap<>();
        for (JsonNode answer : gather(WINDOWS_STORE, this::localModels, "/api/models?local=true", localOnly)) {
            for (JsonNode model : answer) {
                Set<String> versions = versionsByModel.computeIfAbsent(model.path("modelId").asText(), id -> new TreeSet<>());
                model.path("versions").forEach(version -> versions.add(version.asText()));
            }
        }
        return modelsJson(versionsByModel);
    }

    /** The windows of one model and size overlapping the query's range, as {@code EventJson} {@code LossWindow}s. */
    ArrayNode windows(String modelId, WindowQuery query, boolean localOnly) {
        String peerPath = "/api/models/" + URLEncoder.encode(modelId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/windows?" + query.toQueryString() + "&local=true";
        return merged(gather(WINDOWS_STORE, () -> localWindows(modelId, query), peerPath, localOnly), WINDOW_ORDER);
    }

    /** Every current alert state, as {@code EventJson} {@code DriftAlert}s. */
    ArrayNode alerts(boolean localOnly) {
        return merged(gather(ALERT_STATES_STORE, this::localAlerts, "/api/alerts?local=true", localOnly), ALERT_ORDER);
    }

    /**
     * Reads {@code size}, {@code from} and {@code to} (each may be absent): the size defaults to the smallest
     * configured one, {@code to} to now and {@code from} to {@link #DEFAULT_RANGE} before {@code to}.
     *
     * @throws HttpApiException 400 naming the parameter and value that is wrong
     */
    WindowQuery windowQuery(String sizeText, String fromText, String toText) {
        Duration size = sizeText == null ? windows.sizes().get(0) : size(sizeText);
        Instant to = toText == null ? clock.instant() : instant("to", toText);
        Instant from = fromText == null ? to.minus(DEFAULT_RANGE) : instant("from", fromText);
        if (!from.isBefore(to)) {
            throw HttpApiException.badRequest("empty time range",
                    "from (" + from + ") must be before to (" + to + ")");
        }
        return new WindowQuery(size, from, to);
    }

    private Duration size(String text) {
        Duration size;
        try {
            size = LosswatchConfig.parseDuration("size", text);
        } catch (IllegalArgumentException e) {
            throw HttpApiException.badRequest("invalid query parameter",
                    "size='" + text + "' is not a duration such as 1m, 30s, 1h or PT1M");
        }
        if (!windows.sizes().contains(size)) {
            throw HttpApiException.badRequest("unknown window size",
                    "size='" + text + "' is not one of the configured window.sizes: " + sizeLabels());
        }
        return size;
    }

    private String sizeLabels() {
        return windows.sizes().stream().map(size -> WindowId.sizeLabel(size.toMillis())).collect(Collectors.joining(", "));
    }

    private static Instant instant(String name, String text) {
        Instant instant;
        try {
            instant = EPOCH_MILLIS.matcher(text).matches() ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw HttpApiException.badRequest("invalid query parameter", name + "='" + text
                    + "' is neither epoch milliseconds nor an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LATEST)) {
            throw HttpApiException.badRequest("invalid query parameter", name + "='" + text
                    + "' is outside the times a window can have: " + Instant.EPOCH + " to " + LATEST);
        }
        return instant;
    }

    /** This instance's answer and every other instance's, or a 503 saying which could not be had. */
    private List<JsonNode> gather(String storeName, Supplier<ArrayNode> localAnswer, String peerPathAndQuery,
                                  boolean localOnly) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw HttpApiException.unavailable("stores not queryable",
                    "Kafka Streams is " + state + " on this instance; stores can be queried once it is RUNNING (see /health)");
        }
        List<CompletableFuture<JsonNode>> remote = new ArrayList<>();
        if (!localOnly) {
            for (StreamsMetadata instance : streams.streamsMetadataForStore(storeName)) {
                if (!instance.hostInfo().equals(self)) {
                    remote.add(peers.get(instance.hostInfo(), peerPathAndQuery));
                }
            }
        }
        List<JsonNode> answers = new ArrayList<>();
        answers.add(readLocally(storeName, localAnswer));
        for (CompletableFuture<JsonNode> answer : remote) {
            answers.add(await(answer, peerPathAndQuery));
        }
        return answers;
    }

    private ArrayNode readLocally(String storeName, Supplier<ArrayNode> localAnswer) {
        try {
            return localAnswer.get();
        } catch (InvalidStateStoreException e) {
            // a partition can migrate away between finding it and reading it
            throw HttpApiException.unavailable("store not queryable right now", "store " + storeName
                    + " on this instance: " + e.getMessage() + "; Kafka Streams is " + streams.state() + ". Retry shortly.");
        }
    }

    private static JsonNode await(CompletableFuture<JsonNode> answer, String pathAndQuery) {
        JsonNode body;
        try {
            body = answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof HttpApiException failure) {
                throw failure;
            }
            throw e;
        }
        if (!body.isArray()) {
            throw HttpApiException.unavailable("another instance answered unexpectedly",
                    "GET " + pathAndQuery + " answered " + body.getNodeType() + " instead of a JSON array");
        }
        return body;
    }

    private static ArrayNode merged(List<JsonNode> answers, Comparator<JsonNode> order) {
        List<JsonNode> items = new ArrayList<>();
        answers.forEach(answer -> answer.forEach(items::add));
        items.sort(order);
        return JsonNodeFactory.instance.arrayNode().addAll(items);
    }

    private ArrayNode localModels() {
        long largestSizeMs = windows.sizes().get(windows.sizes().size() - 1).toMillis();
        Map<String, Set<String>> versionsByModel = new TreeMap<>();
        for (ReadOnlyKeyValueStore<WindowId, WindowState> partition
                : local.partitions(WINDOWS_STORE, QueryableStoreTypes.<WindowId, WindowState>keyValueStore())) {
            collectModels(partition, largestSizeMs, versionsByModel);
        }
        return modelsJson(versionsByModel);
    }

    /**
     * Skips through one partition model by model: one seek finds the next model, one short scan of its windows
     * of the largest size finds its versions. Those are the fewest windows, and with nested sizes (1m, 5m, 1h)
     * every version with a smaller window has one of them too; only a model without any (sizes changed since)
     * has all its windows scanned. Scanning every window of every model would decode every window's sketch.
     */
    static void collectModels(ReadOnlyKeyValueStore<WindowId, WindowState> store, long largestSizeMs,
                              Map<String, Set<String>> versionsByModel) {
        WindowId next = null;
        while (true) {
            String modelId;
            try (KeyValueIterator<WindowId, WindowState> first = next == null ? store.all() : store.range(next, null)) {
                if (!first.hasNext()) {
                    return;
                }
                modelId = first.peekNextKey().key().modelId();
            }
            Set<String> versions = versionsByModel.computeIfAbsent(modelId, id -> new TreeSet<>());
            WindowKey lowestKey = WindowKey.wholeModel(modelId, "");
            // model ids are ordered as strings, then terminated: modelId + "\0" is the first id after modelId's keys
            WindowId nextModel = new WindowId(WindowKey.wholeModel(modelId + '\u0000', ""), 1, Long.MIN_VALUE);
            Set<String> found = new TreeSet<>();
            addVersions(store, new WindowId(lowestKey, largestSizeMs, 0),
                    WindowId.containing(lowestKey, largestSizeMs, Long.MAX_VALUE), found);
            if (found.isEmpty()) {
                addVersions(store, new WindowId(lowestKey, 1, Long.MIN_VALUE), nextModel, found);
            }
            versions.addAll(found);
            next = nextModel;
        }
    }

    private static void addVersions(ReadOnlyKeyValueStore<WindowId, WindowState> store, WindowId from, WindowId to,
                                    Set<String> versions) {
        try (KeyValueIterator<WindowId, WindowState> windows = store.range(from, to)) {
            windows.forEachRemaining(window -> versions.add(window.key.key().modelVersion()));
        }
    }

    private static ArrayNode modelsJson(Map<String, Set<String>> versionsByModel) {
        ArrayNode models = JsonNodeFactory.instance.arrayNode();
        versionsByModel.forEach((modelId, versions) -> {
            ArrayNode versionList = models.addObject().put("modelId", modelId).putArray("versions");
            versions.forEach(versionList::add);
        });
        return models;
    }

    private ArrayNode localWindows(String modelId, WindowQuery query) {
        ArrayNode found = JsonNodeFactory.instance.arrayNode();
        for (ReadOnlyKeyValueStore<WindowId, WindowState> partition
                : local.partitions(WINDOWS_STORE, QueryableStoreTypes.<WindowId, WindowState>keyValueStore())) {
            for (LossWindow window : LossWindows.query(partition, windows.timeBasis(), modelId, query.size(),
                    query.from(), query.to())) {
                found.add(EventJson.toJson(window));
            }
        }
        return found;
    }

    private ArrayNode localAlerts() {
        ArrayNode found = JsonNodeFactory.instance.arrayNode();
        for (ReadOnlyKeyValueStore<String, DriftAlert> partition
                : local.partitions(ALERT_STATES_STORE, QueryableStoreTypes.<String, DriftAlert>keyValueStore())) {
            try (KeyValueIterator<String, DriftAlert> alerts = partition.all()) {
                alerts.forEachRemaining(alert -> found.add(EventJson.toJson(alert.value)));
            }
        }
        return found;
    }
}
