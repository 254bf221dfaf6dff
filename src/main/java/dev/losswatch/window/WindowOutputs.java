package dev.losswatch.window;

import org.apache.kafka.streams.kstream.KStream;

/**
 * The streams a window stage adds to the topology.
 *
 * @param results the stage's values: {@code LossWindow}s keyed by model id, or, from a partial stage,
 *                {@link WindowInput.Partial}s keyed by the unsharded {@link WindowKey}
 * @param late    inputs that came after their window closed, once per window they missed; they are also
 *                counted in {@code losswatch.window.late.inputs}
 */
public record WindowOutputs<K, V>(KStream<K, V> results, KStream<WindowKey, LateInput> late) {
}
