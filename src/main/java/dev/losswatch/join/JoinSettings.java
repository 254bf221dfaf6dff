package dev.losswatch.join;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each side of the prediction-label join waits, how long a settled predictionId is remembered, and
 * how expiry runs. All times are stream time (record timestamps) except {@code idleExpiryAfter}, which is
 * wall-clock time. docs/join.md describes exactly what expires what, and when.
 *
 * @param labelWait          how long a label waits for its prediction ({@value #LABEL_WAIT})
 * @param horizon            how long a prediction waits for its label ({@value #HORIZON})
 * @param dedupRetention     how long a joined or unlabeled predictionId is remembered, so that later copies of
 *                           its prediction or label are recognised as duplicates ({@value #DEDUP_RETENTION}); a
 *                           copy arriving after this is treated as new
 * @param idleExpiryAfter    when a task's stream time has not advanced for this much wall-clock time, expiry
 *                           runs on wall-clock time minus this same duration ({@value #IDLE_EXPIRY_AFTER});
 *                           {@link Duration#ZERO} turns the backstop off (replays and backtests)
 * @param expiryInterval     how often the expiry scan runs, both in stream time and in wall-clock time
 *                           ({@value #EXPIRY_INTERVAL})
 * @param maxExpiriesPerScan the most entries one scan expires, so that a large backlog is drained over several
 *                           punctuations instead of one transaction that outlives the poll interval
 *                           ({@value #MAX_EXPIRIES_PER_SCAN})
 * @param storeType          RocksDB for production, in-memory for tests and backtests ({@value #STORE_TYPE})
 */
public record JoinSettings(
        Duration labelWait,
        Duration horizon,
        Duration dedupRetention,
        Duration idleExpiryAfter,
        Duration expiryInterval,
        int maxExpiriesPerScan,
        StoreType storeType) {

    public static final String LABEL_WAIT = "join.label-wait";
    public static final String HORIZON = "join.horizon";
    public static final String DEDUP_RETENTION = "join.dedup-retention";
    public static final String IDLE_EXPIRY_AFTER = "join.idle-expiry-after";
    public static final String EXPIRY_INTERVAL = "join.expiry-interval";
    public static final String MAX_EXPIRIES_PER_SCAN = "join.max-expiries-per-scan";
    public static final String STORE_TYPE = "join.store-type";

    public static final Duration DEFAULT_LABEL_WAIT = Duration.ofHours(1);
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(7);
    public static final Duration DEFAULT_IDLE_EXPIRY_AFTER = Duration.ofMinutes(10);
    public static final Duration DEFAULT_EXPIRY_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_EXPIRIES_PER_SCAN = 10_000;

    /** Where the join keeps its state. */
    public enum StoreType {
        /** RocksDB on local disk, restored from the changelog when the disk is lost. */
        PERSISTENT,
        /** A sorted in-memory map without changelog: lost on restart, for backtests and tests. */
        IN_MEMORY
    }

    public JoinSettings {
        requirePositive(LABEL_WAIT, labelWait);
        requirePositive(HORIZON, horizon);
        requirePositive(DEDUP_RETENTION, dedupRetention);
        Objects.requireNonNull(idleExpiryAfter, IDLE_EXPIRY_AFTER + " must be set");
        if (idleExpiryAfter.isNegative()) {
            throw new IllegalArgumentException(IDLE_EXPIRY_AFTER + " must be zero (off) or positive, was " + idleExpiryAfter);
        }
        requirePositive(EXPIRY_INTERVAL, expiryInterval);
        if (maxExpiriesPerScan <= 0) {
            throw new IllegalArgumentException(MAX_EXPIRIES_PER_SCAN + " must be positive, was " + maxExpiriesPerScan);
        }
        Objects.requireNonNull(storeType, STORE_TYPE + " must be set");
    }

    /** One hour of label wait, a seven-day horizon, duplicates remembered for the horizon, RocksDB stores. */
    public static JoinSettings defaults() {
        return of(DEFAULT_LABEL_WAIT, DEFAULT_HORIZON);
    }

    /** The given waits, duplicates remembered for the horizon, everything else at its default. */
    public static JoinSettings of(Duration labelWait, Duration horizon) {
        return new JoinSettings(labelWait, horizon, horizon, DEFAULT_IDLE_EXPIRY_AFTER, DEFAULT_EXPIRY_INTERVAL,
                DEFAULT_MAX_EXPIRIES_PER_SCAN, StoreType.PERSISTENT);
    }

    public JoinSettings withDedupRetention(Duration retention) {
        return new JoinSettings(labelWait, horizon, retention, idleExpiryAfter, expiryInterval, maxExpiriesPerScan, storeType);
    }

    public JoinSettings withIdleExpiryAfter(Duration idle) {
        return new JoinSettings(labelWait, horizon, dedupRetention, idle, expiryInterval, maxExpiriesPerScan, storeType);
    }

    public JoinSettings withExpiryInterval(Duration interval) {
        return new JoinSettings(labelWait, horizon, dedupRetention, idleExpiryAfter, interval, maxExpiriesPerScan, storeType);
    }

    public JoinSettings withMaxExpiriesPerScan(int max) {
        return new JoinSettings(labelWait, horizon, dedupRetention, idleExpiryAfter, expiryInterval, max, storeType);
    }

    public JoinSettings withStoreType(StoreType type) {
        return new JoinSettings(labelWait, horizon, dedupRetention, idleExpiryAfter, expiryInterval, maxExpiriesPerScan, type);
    }

    private static void requirePositive(String key, Duration value) {
        Objects.requireNonNull(value, key + " must be set");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }
}
