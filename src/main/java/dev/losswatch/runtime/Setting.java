package dev.losswatch.runtime;

import java.util.Locale;

/**
 * Every setting a user may turn, with its default and what it does. This catalogue is the single source of
 * truth for defaults: {@code examples/losswatch.properties} and the README's settings table are checked
 * against it by tests.
 */
public enum Setting {
    // Kafka Streams settings that losswatch gives its own defaults; any other Kafka setting passes through.
    APPLICATION_ID("application.id", "losswatch", true,
            "Kafka Streams application id: the consumer group, and the prefix of internal topics and state directories."),
    BOOTSTRAP_SERVERS("bootstrap.servers", "127.0.0.1:9092", true, "Kafka brokers to connect to."),
    PROCESSING_GUARANTEE("processing.guarantee", "exactly_once_v2", true,
            "exactly_once_v2 (each event counted once, even across crashes) or at_least_once."),
    STATE_DIR("state.dir", "/tmp/losswatch-state", true,
            "Where the RocksDB state stores live; give each instance on a host its own."),
    NUM_STREAM_THREADS("num.stream.threads", "1", true, "Stream threads in this instance."),

    SCHEMA_REGISTRY_URL("schema.registry.url", "", false,
            "Confluent-API schema registry URL(s), comma-separated; required by run. mock://<scope> is an in-process registry (demo, backtest, tests)."),

    TOPIC_PREDICTIONS("topic.predictions", "predictions", false, "Input: Prediction events."),
    TOPIC_LABELS("topic.labels", "labels", false, "Input: Label events."),
    TOPIC_SCORED("topic.scored", "losswatch.scored", false, "Output: one ScoredPrediction per predictionId."),
    TOPIC_WINDOWS("topic.windows", "losswatch.windows", false, "Output: LossWindow aggregates (running and final)."),
    TOPIC_ALERTS("topic.alerts", "losswatch.alerts", false, "Output: DriftAlert state transitions, keyed by model."),
    TOPIC_UNLABELED("topic.unlabeled", "losswatch.unlabeled", false,
            "Output: predictions whose label did not come within join.horizon."),
    TOPIC_DLQ("topic.dlq", "losswatch.dlq", false,
            "Output: every record that could not be used, with its original bytes and reason headers."),

    INPUT_REKEY("input.rekey", "false", false,
            "true when the input topics are not keyed by predictionId: records are re-keyed through named repartition topics."),
    INPUT_MAX_CLASSES("input.max-classes", "1000000", false,
            "Predictions with more scores than this are dead-lettered (bounds memory per event)."),

    SCORING_LOG_BASE("scoring.log-base", "e", false,
            "Log base of the loss: e (nats), 2 (bits) or 10. Per model: scoring.model.<modelId>.log-base."),
    SCORING_EPSILON("scoring.epsilon", "1e-15", false,
            "Probabilities are clipped to [epsilon, 1] before the log. Per model: scoring.model.<modelId>.epsilon."),
    SCORING_LABEL_SMOOTHING("scoring.label-smoothing", "0", false,
            "Label smoothing in [0, 1) for class targets of LOGITS/PROBABILITIES. Per model: scoring.model.<modelId>.label-smoothing."),

    JOIN_HORIZON("join.horizon", "7d", false, "How long a prediction waits for its label before it is published as unlabeled."),
    JOIN_LABEL_WAIT("join.label-wait", "1h", false,
            "How long a label waits for its prediction before it is dead-lettered as ORPHAN_LABEL."),
    JOIN_DEDUP_RETENTION("join.dedup-retention", "7d", false,
            "How long a joined or unlabeled predictionId is remembered to recognise later copies as duplicates."),
    JOIN_IDLE_EXPIRY_AFTER("join.idle-expiry-after", "10m", false,
            "Wall-clock backstop: when a task's stream time has not advanced this long, expiry runs on wall-clock time minus this; 0 turns it off (replays)."),
    JOIN_EXPIRY_INTERVAL("join.expiry-interval", "1s", false, "How often the join's expiry scan runs."),
    JOIN_MAX_EXPIRIES_PER_SCAN("join.max-expiries-per-scan", "10000", false,
            "Most entries one expiry scan removes, so a backlog drains over several scans."),

    SLICE_ATTRIBUTES("slice.attributes", "", false,
            "Prediction attributes to slice windows and alerts by, comma-separated (e.g. region,device)."),
    SLICE_MAX_VALUES("slice.max-values", "100", false,
            "Distinct values kept per slice attribute; later values are folded into 'other'."),

    WINDOW_SIZES("window.sizes", "1m,5m,1h", false, "Tumbling window sizes, comma-separated."),
    WINDOW_TIME("window.time", "prediction", false,
            "Which timestamp places an event in a window: prediction (when the model predicted) or label."),
    WINDOW_EMIT_INTERVAL("window.emit-interval", "10s", false,
            "An open window publishes its running value at most this often."),
    WINDOW_GRACE("window.grace", "1h", false,
            "How long after its end a window still takes events (labels are late): a later label is counted as late."),
    WINDOW_IDLE_CLOSE_AFTER("window.idle-close-after", "5m", false,
            "Wall-clock backstop: when stream time has not advanced this long, windows whose end + grace is this far behind the wall clock are closed."),
    WINDOW_RETENTION("window.retention", "1h", false, "How long a closed window stays queryable."),
    WINDOW_SKETCH_K("window.sketch-k", "200", false, "k of each window's KLL quantile sketch (200: about 1.3% rank error)."),

    STORE_TYPE("store.type", "persistent", false,
            "persistent (RocksDB, logged to changelog topics) or memory (in memory, not logged: state is lost on restart; backtests and tests only)."),

    HTTP_BIND("http.bind", "127.0.0.1", false, "Address the HTTP server listens on."),
    HTTP_PORT("http.port", "8080", false, "Port of the HTTP server (metrics, queries, health); 0 picks a free port."),
    HTTP_TOKEN("http.token", "", false, "When set, every HTTP request but /health, /health/live and /health/ready needs 'Authorization: Bearer <token>'.");

    private final String key;
    private final String defaultValue;
    private final boolean kafkaSetting;
    private final String description;

    Setting(String key, String defaultValue, boolean kafkaSetting, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.kafkaSetting = kafkaSetting;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** A Kafka Streams setting that losswatch merely gives a default. */
    public boolean isKafkaSetting() {
        return kafkaSetting;
    }

    public String environmentVariable() {
        return "LOSSWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Keys that belong to losswatch rather than to Kafka: the catalogue's own and per-model overrides. */
    static boolean isLosswatchKey(String key) {
        for (Setting setting : values()) {
            if (!setting.kafkaSetting && setting.key.equals(key)) {
                return true;
            }
        }
        return key.startsWith("topic.") || key.startsWith("input.") || key.startsWith("scoring.")
                || key.startsWith("join.") || key.startsWith("slice.") || key.startsWith("window.")
                || key.startsWith("alerts.") || key.startsWith("http.") || key.startsWith("demo.");
    }
}
