package dev.losswatch.window;

import dev.losswatch.events.LogBase;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/** Version 1: version byte, kind byte, then the kind's fields (big-endian). */
final class WindowInputCodec {
    private static final int FORMAT_VERSION = 1;
    private static final int SCORED = 1;
    private static final int PREDICTION_SEEN = 2;
    private static final int PARTIAL = 3;
    private static final int SCORED_BYTES = 2 + 3 * Double.BYTES + 2;
    private static final int PARTIAL_HEADER_BYTES = 2 + Long.BYTES + 1;

    private WindowInputCodec() {
    }

    static byte[] toBytes(WindowInput input) {
        if (input instanceof WindowInput.Scored) {
            WindowInput.Scored scored = (WindowInput.Scored) input;
            return ByteBuffer.allocate(SCORED_BYTES)
                    .put((byte) FORMAT_VERSION).put((byte) SCORED)
                    .putDouble(scored.loss())
                    .put((byte) WindowFormats.logBaseCode(scored.logBase()))
                    .putDouble(scored.weight())
                    .put((byte) (scored.correct() ? 1 : 0))
                    .putDouble(scored.confidence())
                    .array();
        }
        if (input instanceof WindowInput.Partial) {
            WindowInput.Partial partial = (WindowInput.Partial) input;
            byte[] aggregate = partial.aggregate().toBytes();
            return ByteBuffer.allocate(PARTIAL_HEADER_BYTES + aggregate.length)
                    .put((byte) FORMAT_VERSION).put((byte) PARTIAL)
                    .putLong(partial.windowSizeMs())
                    .put((byte) WindowFormats.logBaseCode(partial.logBase()))
                    .put(aggregate)
                    .array();
        }
        return new byte[] {FORMAT_VERSION, PREDICTION_SEEN};
    }

    static WindowInput fromBytes(byte[] bytes) {
        ByteBuffer buffer = WindowFormats.open("WindowInput", bytes, 2, FORMAT_VERSION);
        int kind = buffer.get() & 0xFF;
        switch (kind) {
            case SCORED:
                requireLength(bytes, SCORED_BYTES, "Scored");
                double loss = buffer.getDouble();
                LogBase logBase = WindowFormats.logBaseOf("WindowInput.Scored", buffer.get() & 0xFF);
                double weight = buffer.getDouble();
                boolean correct = buffer.get() != 0;
                return new WindowInput.Scored(loss, logBase, weight, correct, buffer.getDouble());
            case PREDICTION_SEEN:
                requireLength(bytes, 2, "PredictionSeen");
                return WindowInput.PREDICTION_SEEN;
            case PARTIAL:
                if (bytes.length < PARTIAL_HEADER_BYTES) {
                    throw new SerializationException("WindowInput.Partial: " + bytes.length + " bytes, expected at least "
                            + PARTIAL_HEADER_BYTES);
                }
                long sizeMs = buffer.getLong();
                LogBase partialBase = WindowFormats.logBaseOf("WindowInput.Partial", buffer.get() & 0xFF);
                return new WindowInput.Partial(sizeMs, partialBase,
                        LossAggregate.fromBytes(Arrays.copyOfRange(bytes, PARTIAL_HEADER_BYTES, bytes.length)));
            default:
                throw new SerializationException("WindowInput: kind " + kind + " at byte 1 is not one of "
                        + SCORED + " (Scored), " + PREDICTION_SEEN + " (PredictionSeen), " + PARTIAL + " (Partial)");
        }
    }

    private static void requireLength(byte[] bytes, int expected, String kind) {
        if (bytes.length != expected) {
            throw new SerializationException("WindowInput." + kind + ": " + bytes.length + " bytes, expected "
                    + expected);
        }
    }
}
