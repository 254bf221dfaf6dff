package dev.losswatch.window;

import dev.losswatch.events.DlqReason;
import dev.losswatch.events.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling loss windows of several sizes over {@link WindowInput}s (docs/windows.md is the specification).
 *
 * <p>State: the window store ({@link WindowId} → {@link WindowState}, queryable) and an index store whose
 * keys are {@code [kind][due time][window id]}, ordered by due time, so that every closing and removal is a
 * range scan over what is due and never a scan of the window store. Kind {@code CLOSE} marks an open window,
 * due at end + grace; kind {@code REMOVE} a closed one, due at end + grace + retention. One {@code META} key
 * holds {@link #closedThrough}, the time up to which windows have been closed, which is what makes an input
 * late even when the wall-clock backstop rather than stream time closed its window.
 *
 * <p>Open windows are also kept deserialized in {@link #openWindows}, write-through: every change is put to
 * the store at once, so the store is exact at every commit; the map only spares decoding a sketch per event.
 */
final class LossWindowProcessor implements Processor<WindowKey, WindowInput, WindowKey, WindowEmission> {
    /** Whether the windows publish values ({@code FINAL}) or partial aggregates for a second stage. */
    enum Stage {
        FINAL,
        PARTIAL
    }

    /** Record timestamps beyond this would overflow end + grace + retention. */
    static final long MAX_TIMESTAMP_MS = Long.MAX_VALUE / 4;

    private static final Logger LOG = LoggerFactory.getLogger(LossWindowProcessor.class);
    private static final byte META = 0;
    private static final byte CLOSE = 1;
    private static final byte REMOVE = 2;
    private static final int INDEX_HEADER_BYTES = 1 + Long.BYTES;
    private static final Bytes CLOSED_THROUGH_KEY = Bytes.wrap(new byte[] {META});
    private static final byte[] NO_VALUE = new byte[0];

    private final String name;
    private final Stage stage;
    private final WindowSettings settings;
    private final MeterRegistry meters;
    private final String windowStoreName;
    private final String indexStoreName;
    private final long[] sizesMs;
    private final long graceMs;
    private final long retentionMs;
    private final long idleCloseAfterMs;
    private final Map<WindowId, WindowState> openWindows = new HashMap<>();

    private ProcessorContext<WindowKey, WindowEmission> context;
    private KeyValueStore<WindowId, WindowState> windows;
    private KeyValueStore<Bytes, byte[]> index;
    private long closedThrough;
    private long nextDue;
    private long observedTime;
    private long lastTime;
    private long lastTimeAdvanceWallMs;

    LossWindowProcessor(String name, Stage stage, WindowSettings settings, MeterRegistry meters,
                        String windowStoreName, String indexStoreName) {
        this.name = name;
        this.stage = stage;
        this.settings = settings;
        this.meters = meters;
        this.windowStoreName = windowStoreName;
        this.indexStoreName = indexStoreName;
        this.sizesMs = settings.sizes().stream().mapToLong(Duration::toMillis).toArray();
        this.graceMs = settings.grace().toMillis();
        this.retentionMs = settings.retention().toMillis();
        this.idleCloseAfterMs = settings.idleCloseAfter().toMillis();
    }

    @Override
    public void init(ProcessorContext<WindowKey, WindowEmission> context) {
        this.context = context;
        windows = context.getStateStore(windowStoreName);
        index = context.getStateStore(indexStoreName);
        openWindows.clear();
        byte[] stored = index.get(CLOSED_THROUGH_KEY);
        closedThrough = stored == null ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
        observedTime = Long.MIN_VALUE;
        lastTime = Long.MIN_VALUE;
        lastTimeAdvanceWallMs = context.currentSystemTimeMs();
        nextDue = earliestDue();
        context.schedule(settings.emitInterval(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<WindowKey, WindowInput> record) {
        WindowKey key = record.key();
        WindowInput input = record.value();
        long timestamp = record.timestamp();
        requireValid(key, input, timestamp);
        long time = advanceTime(timestamp);
        if (time >= nextDue) {
            closeDue(time, "stream_time");
        }
        long closedAt = Math.max(closedThrough, time);
        for (long sizeMs : sizesMs) {
            if (input instanceof WindowInput.Partial partial && partial.windowSizeMs() != sizeMs) {
                continue;
            }
            WindowId id = WindowId.containing(key, sizeMs, timestamp);
            boolean closedByTime = id.endMs() + graceMs <= closedAt;
            WindowState state = closedByTime ? null : openWindow(id);
            if (closedByTime || state != null && state.isClosed()) {
                publishLate(record, id);
            } else {
                update(id, state, input);
            }
        }
    }

    private void requireValid(WindowKey key, WindowInput input, long timestamp) {
        if (key == null || input == null) {
            throw new InvalidEventException(DlqReason.MISSING_KEY_OR_VALUE, "window input at timestamp " + timestamp
                    + " for " + name + " has " + (key == null ? "no key" : "no value") + " (key " + key + ")");
        }
        if (timestamp < 0 || timestamp > MAX_TIMESTAMP_MS) {
            throw new InvalidEventException(DlqReason.PROCESSING_ERROR, "window input for " + key + " has timestamp "
                    + timestamp + ", outside [0, " + MAX_TIMESTAMP_MS + "]");
        }
        if (stage == Stage.FINAL && key.shard() != 0) {
            throw new InvalidEventException(DlqReason.PROCESSING_ERROR, "window input for " + key + " has shard "
                    + key.shard() + ", but " + name + " publishes whole windows and takes unsharded keys only:"
                    + " aggregate shards in a partial stage first");
        }
        if (input instanceof WindowInput.Partial partial
                && Arrays.stream(sizesMs).noneMatch(size -> size == partial.windowSizeMs())) {
            throw new InvalidEventException(DlqReason.PROCESSING_ERROR, "partial aggregate for " + key
                    + " is for windows of " + partial.windowSizeMs() + " ms, but " + name + " has sizes "
                    + settings.sizes());
        }
    }

    /**
     * The time windows close by: the task's stream time, or the latest timestamp this processor saw if an
     * upstream processor forwarded a later one. Notes the wall-clock time of every advance, for the backstop.
     */
    private long advanceTime(long timestamp) {
        observedTime = Math.max(observedTime, timestamp);
        long time = Math.max(context.currentStreamTimeMs(), observedTime);
        if (time > lastTime) {
            lastTime = time;
            lastTimeAdvanceWallMs = context.currentSystemTimeMs();
        }
        return time;
    }

    /** The window's state, from memory or the store; null for a window that does not exist yet. */
    private WindowState openWindow(WindowId id) {
        WindowState state = openWindows.get(id);
        if (state == null) {
            state = windows.get(id);
            if (state != null && !state.isClosed()) {
                openWindows.put(id, state);
            }
        }
        return state;
    }

    private void update(WindowId id, WindowState existing, WindowInput input) {
        WindowState state = existing;
        if (state == null) {
            state = new WindowState(settings.sketchK());
            long due = id.endMs() + graceMs;
            index.put(indexKey(CLOSE, due, id), NO_VALUE);
            nextDue = Math.min(nextDue, due);
            openWindows.put(id, state);
        } else if (input instanceof WindowInput.Partial partial && !state.canMerge(partial)) {
            throw new InvalidEventException(DlqReason.PROCESSING_ERROR, "partial aggregate for window " + id
                    + " has losses in log base " + partial.logBase() + ", but the window's are in "
                    + state.logBase());
        }
        state.apply(input);
        windows.put(id, state);
    }

    private void publishLate(Record<WindowKey, WindowInput> record, WindowId id) {
        meters.counter("losswatch.window.late.inputs", "window", name, "size", sizeTag(id.sizeMs()),
                "model", id.key().modelId()).increment();
        context.forward(record.withValue(new WindowEmission.Late(new LateInput(id.sizeMs(), id.startMs(),
                record.value()))));
    }

    /** Every window due at or before {@code time} publishes its final value; every retained one due goes. */
    private void closeDue(long time, String trigger) {
        if (time > closedThrough) {
            closedThrough = time;
            index.put(CLOSED_THROUGH_KEY, ByteBuffer.allocate(Long.BYTES).putLong(time).array());
        }
        for (Bytes indexKey : dueKeys(CLOSE, time)) {
            WindowId id = windowIdOf(indexKey);
            index.delete(indexKey);
            WindowState state = openWindows.remove(id);
            if (state == null) {
                state = windows.get(id);
            }
            if (state == null) {
                LOG.warn("{}: index names window {} but the window store has no state for it", name, id);
                continue;
            }
            close(id, state);
            meters.counter("losswatch.window.closed", "window", name, "size", sizeTag(id.sizeMs()),
                    "trigger", trigger).increment();
        }
        for (Bytes indexKey : dueKeys(REMOVE, time)) {
            windows.delete(windowIdOf(indexKey));
            index.delete(indexKey);
        }
        nextDue = earliestDue();
    }

    private void close(WindowId id, WindowState state) {
        if (stage == Stage.PARTIAL) {
            if (state.changedSinceEmit()) {
                forwardPartial(id, state);
            }
            windows.delete(id);
            return;
        }
        state.markClosed();
        forwardWindow(id, state);
        if (retentionMs == 0) {
            windows.delete(id);
        } else {
            windows.put(id, state);
            index.put(indexKey(REMOVE, id.endMs() + graceMs + retentionMs, id), NO_VALUE);
        }
    }

    /**
     * Wall-clock tick, every emit interval. First the backstop: if stream time has not advanced for
     * idle-close-after, windows whose end + grace is at least that far behind the wall clock are closed.
     * Then every open window that changed since its last value publishes a running value.
     */
    private void onWallClock(long wallClockMs) {
        if (wallClockMs - lastTimeAdvanceWallMs >= idleCloseAfterMs) {
            long backstopTime = wallClockMs - idleCloseAfterMs;
            if (backstopTime >= nextDue) {
                closeDue(backstopTime, "wall_clock");
            }
        }
        try (KeyValueIterator<Bytes, byte[]> open = index.range(indexKey(CLOSE, Long.MIN_VALUE),
                indexKey(CLOSE, Long.MAX_VALUE))) {
            while (open.hasNext()) {
                WindowId id = windowIdOf(open.next().key);
                WindowState state = openWindow(id);
                if (state != null && state.changedSinceEmit()) {
                    publishRunning(id, state);
                }
            }
        }
    }

    private void publishRunning(WindowId id, WindowState state) {
        if (stage == Stage.PARTIAL) {
            forwardPartial(id, state);
        } else {
            state.markEmitted();
            forwardWindow(id, state);
        }
        windows.put(id, state);
        meters.counter("losswatch.window.running.updates", "window", name, "size", sizeTag(id.sizeMs())).increment();
    }

    private void forwardWindow(WindowId id, WindowState state) {
        context.forward(new Record<>(id.key(), new WindowEmission.Window(state.toLossWindow(id, settings.timeBasis())),
                id.startMs()));
    }

    private void forwardPartial(WindowId id, WindowState state) {
        context.forward(new Record<>(id.key().unsharded(), new WindowEmission.Delta(state.takePartial(id.sizeMs())),
                id.startMs()));
    }

    private List<Bytes> dueKeys(byte kind, long time) {
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = index.range(indexKey(kind, Long.MIN_VALUE),
                indexKey(kind, time + 1))) {
            while (entries.hasNext()) {
                due.add(entries.next().key);
            }
        }
        return due;
    }

    private long earliestDue() {
        return Math.min(firstDue(CLOSE), firstDue(REMOVE));
    }

    private long firstDue(byte kind) {
        try (KeyValueIterator<Bytes, byte[]> entries = index.range(indexKey(kind, Long.MIN_VALUE),
                indexKey(kind, Long.MAX_VALUE))) {
            if (!entries.hasNext()) {
                return Long.MAX_VALUE;
            }
            KeyValue<Bytes, byte[]> first = entries.next();
            OrderedBytes.Reader reader = new OrderedBytes.Reader(first.key.get(), indexStoreName + " key");
            reader.readByte("kind");
            return reader.readLong("due");
        }
    }

    /**
     * {@code [kind][due]} alone sorts before every window id due then and after every one due earlier,
     * so it bounds range scans on both sides.
     */
    private static Bytes indexKey(byte kind, long due) {
        return Bytes.wrap(new OrderedBytes.Writer().writeByte(kind).writeLong(due).toByteArray());
    }

    private static Bytes indexKey(byte kind, long due, WindowId id) {
        return Bytes.wrap(new OrderedBytes.Writer().writeByte(kind).writeLong(due).writeBytes(id.toBytes())
                .toByteArray());
    }

    private static WindowId windowIdOf(Bytes indexKey) {
        byte[] bytes = indexKey.get();
        return WindowId.fromBytes(Arrays.copyOfRange(bytes, INDEX_HEADER_BYTES, bytes.length));
    }

    private static String sizeTag(long sizeMs) {
        return WindowId.sizeLabel(sizeMs);
    }
}
