package dev.losswatch.window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How the loss windows behave; docs/windows.md says what closes what, and when.
 *
 * @param sizes          tumbling window sizes (default 1 min, 5 min, 1 h); whole milliseconds, no duplicates
 * @param grace          how long after its end a window still takes events, in stream time (default 1 h).
 *                       On prediction time an event comes when its label does, so the grace is the label
 *                       delay the windows wait for: a label later than that is counted as late. The join
 *                       holds predictions for {@code join.horizon} (7 d); a grace that long keeps every
 *                       label, at the price of state (see docs/windows.md)
 * @param emitInterval   an open window publishes its running value at most this often, wall-clock, and only
 *                       when it changed (default 10 s)
 * @param idleCloseAfter the wall-clock backstop: once stream time has not advanced for this long, windows
 *                       whose end + grace is this far behind the wall clock are closed (default 5 min)
 * @param retention      how long a closed window stays queryable after it closed, in stream time (default 1 h)
 * @param sketchK        k of each window's KLL quantile sketch (default 200: about 1.3% rank error)
 * @param timeBasis      which timestamp the caller puts on the records; only labels the output (default prediction)
 * @param inMemoryStores in-memory stores without changelog instead of logged RocksDB: lost on restart, for
 *                       backtests and tests (default false)
 */
public record WindowSettings(
        List<Duration> sizes,
        Duration grace,
        Duration emitInterval,
        Duration idleCloseAfter,
        Duration retention,
        int sketchK,
        TimeBasis timeBasis,
        boolean inMemoryStores) {

    /** Durations beyond this (about 290 000 years) would overflow the millisecond arithmetic of the windows. */
    private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE / 16);

    public WindowSettings {
        Objects.requireNonNull(sizes, "window sizes must not be null");
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("window sizes must name at least one size");
        }
        List<Duration> sorted = new ArrayList<>(sizes);
        sorted.sort(null);
        for (int i = 0; i < sorted.size(); i++) {
            Duration size = requireInRange("window size #" + (i + 1), sorted.get(i), Duration.ofMillis(1));
            if (size.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException("window size " + size + " is not a whole number of milliseconds");
            }
        }
        if (new HashSet<>(sorted).size() != sorted.size()) {
            throw new IllegalArgumentException("window sizes " + sizes + " name a size twice");
        }
        sizes = List.copyOf(sorted);
        requireInRange("window grace", grace, Duration.ZERO);
        requireInRange("window emit interval", emitInterval, Duration.ofMillis(1));
        requireInRange("window idle-close-after", idleCloseAfter, Duration.ofMillis(1));
        requireInRange("window retention", retention, Duration.ZERO);
        LossAggregate.requireSketchK(sketchK);
        Objects.requireNonNull(timeBasis, "window time basis must not be null");
    }

    public static WindowSettings defaults() {
        return new WindowSettings(
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)),
                Duration.ofHours(1),
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                LossAggregate.DEFAULT_SKETCH_K,
                TimeBasis.PREDICTION,
                false);
    }

    public WindowSettings withSizes(List<Duration> newSizes) {
        return new WindowSettings(newSizes, grace, emitInterval, idleCloseAfter, retention, sketchK, timeBasis, inMemoryStores);
    }

    public WindowSettings withGrace(Duration newGrace) {
        return new WindowSettings(sizes, newGrace, emitInterval, idleCloseAfter, retention, sketchK, timeBasis, inMemoryStores);
    }

    public WindowSettings withIdleCloseAfter(Duration newIdleCloseAfter) {
        return new WindowSettings(sizes, grace, emitInterval, newIdleCloseAfter, retention, sketchK, timeBasis, inMemoryStores);
    }

    public WindowSettings withRetention(Duration newRetention) {
        return new WindowSettings(sizes, grace, emitInterval, idleCloseAfter, newRetention, sketchK, timeBasis, inMemoryStores);
    }

    public WindowSettings withInMemoryStores(boolean inMemory) {
        return new WindowSettings(sizes, grace, emitInterval, idleCloseAfter, retention, sketchK, timeBasis, inMemory);
    }

    private static Duration requireInRange(String what, Duration value, Duration smallest) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.compareTo(smallest) < 0 || value.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(what + " " + value + " must be between " + smallest + " and " + LONGEST);
        }
        return value;
    }
}
