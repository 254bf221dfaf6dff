package dev.losswatch.window;

import dev.losswatch.events.LogBase;
import dev.losswatch.events.LossWindow;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

/**
 * What the window store holds for one window: its aggregate, the unit of its losses, whether its final
 * value has been published, and whether it changed since it was last published. This is also what an
 * interactive query of the store returns (see {@link LossWindows#query}).
 */
public final class WindowState {
    private static final int FORMAT_VERSION = 1;
    private static final int HEADER_BYTES = 3;
    private static final int CLOSED = 1;
    private static final int CHANGED = 2;

    private LossAggregate aggregate;
    private LogBase logBase;
    private boolean closed;
    private boolean changedSinceEmit;

    WindowState(int sketchK) {
        this.aggregate = new LossAggregate(sketchK);
    }

    private WindowState(LossAggregate aggregate, LogBase logBase, boolean closed, boolean changedSinceEmit) {
        this.aggregate = aggregate;
        this.logBase = logBase;
        this.closed = closed;
        this.changedSinceEmit = changedSinceEmit;
    }

    public LossAggregate aggregate() {
        return aggregate;
    }

    /** The unit of the window's losses: that of its first loss; null while it holds none. */
    public LogBase logBase() {
        return logBase;
    }

    /** True once the final value has been published: the window will not change again. */
    public boolean isClosed() {
        return closed;
    }

    public boolean changedSinceEmit() {
        return changedSinceEmit;
    }

    public LossWindow toLossWindow(WindowId window, TimeBasis timeBasis) {
        return aggregate.toLossWindow(window, timeBasis, logBase, closed);
    }

    /** False for a partial whose losses are in another unit than this window's: a sketch cannot be rescaled. */
    boolean canMerge(WindowInput.Partial partial) {
        return partial.aggregate().count() == 0 || logBase == null || logBase == partial.logBase();
    }

    /** Adds the input; a {@link WindowInput.Partial} must pass {@link #canMerge} first. */
    void apply(WindowInput input) {
        if (input instanceof WindowInput.Scored scored) {
            if (logBase == null) {
                logBase = scored.logBase();
            }
            aggregate.add(scored.lossIn(logBase), scored.weight(), scored.correct(), scored.confidence());
        } else if (input instanceof WindowInput.Partial partial) {
            if (logBase == null) {
                logBase = partial.logBase();
            }
            aggregate.merge(partial.aggregate());
        } else {
            aggregate.addPrediction();
        }
        changedSinceEmit = true;
    }

    void markEmitted() {
        changedSinceEmit = false;
    }

    void markClosed() {
        closed = true;
        changedSinceEmit = false;
    }

    /** Hands out what accumulated since the last call and starts again from empty (first stage of two). */
    WindowInput.Partial takePartial(long windowSizeMs) {
        WindowInput.Partial partial = new WindowInput.Partial(windowSizeMs, aggregate.count() == 0 ? null : logBase,
                aggregate);
        aggregate = new LossAggregate(aggregate.sketchK());
        changedSinceEmit = false;
        return partial;
    }

    /** Version 1: version byte, flags (1 = closed, 2 = changed), log-base code, then the aggregate's bytes. */
    byte[] toBytes() {
        byte[] aggregateBytes = aggregate.toBytes();
        byte[] bytes = new byte[HEADER_BYTES + aggregateBytes.length];
        bytes[0] = FORMAT_VERSION;
        bytes[1] = (byte) ((closed ? CLOSED : 0) | (changedSinceEmit ? CHANGED : 0));
        bytes[2] = (byte) WindowFormats.logBaseCode(logBase);
        System.arraycopy(aggregateBytes, 0, bytes, HEADER_BYTES, aggregateBytes.length);
        return bytes;
    }

    static WindowState fromBytes(byte[] bytes) {
        ByteBuffer header = WindowFormats.open("WindowState", bytes, HEADER_BYTES, FORMAT_VERSION);
        int flags = header.get() & 0xFF;
        if ((flags & ~(CLOSED | CHANGED)) != 0) {
            throw new SerializationException("WindowState: unknown flag bits 0x" + Integer.toHexString(flags)
                    + " at byte 1");
        }
        return new WindowState(LossAggregate.fromBytes(Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length)),
                WindowFormats.logBaseOf("WindowState", header.get() & 0xFF), (flags & CLOSED) != 0,
                (flags & CHANGED) != 0);
    }

    static Serde<WindowState> serde() {
        return WindowFormats.serde(WindowState::toBytes, WindowState::fromBytes);
    }
}
