package dev.losswatch.topology;

import dev.losswatch.events.ScoredPrediction;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the model-partitioned part of the topology consumes, keyed by model id: a scored event (timestamped
 * with its label's arrival) or the sighting of an accepted prediction (timestamped with its prediction time),
 * which windows count for label coverage. A sighting carries only the slice attributes, so the repartition
 * topic stays small.
 */
sealed interface ModelEvent {
    record Scored(ScoredPrediction scored) implements ModelEvent {
    }

    record Seen(String modelVersion, Map<String, String> sliceAttributes) implements ModelEvent {
    }

    byte SCORED_TAG = 1;
    byte SEEN_TAG = 2;

    /** One tag byte, then the scored event in its own serde's bytes, or the sighting's version and attributes. */
    static Serde<ModelEvent> serde(Serde<ScoredPrediction> scoredSerde) {
        Serializer<ModelEvent> serializer = (topic, event) -> {
            if (event == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                if (event instanceof Scored scored) {
                    out.writeByte(SCORED_TAG);
                    out.write(scoredSerde.serializer().serialize(topic, scored.scored()));
                } else {
                    Seen seen = (Seen) event;
                    out.writeByte(SEEN_TAG);
                    out.writeUTF(seen.modelVersion());
                    out.writeShort(seen.sliceAttributes().size());
                    for (Map.Entry<String, String> attribute : seen.sliceAttributes().entrySet()) {
                        out.writeUTF(attribute.getKey());
                        out.writeUTF(attribute.getValue());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
        Deserializer<ModelEvent> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0) {
                throw new SerializationException("empty model event on " + topic);
            }
            if (bytes[0] == SCORED_TAG) {
                return new Scored(scoredSerde.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, 1, bytes.length)));
            }
            if (bytes[0] != SEEN_TAG) {
                throw new SerializationException("model event on " + topic + " has unknown tag " + bytes[0]);
            }
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
                String version = in.readUTF();
                int count = in.readUnsignedShort();
                Map<String, String> attributes = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    attributes.put(in.readUTF(), in.readUTF());
                }
                return new Seen(version, attributes);
            } catch (IOException e) {
                throw new SerializationException("truncated model sighting on " + topic, e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
