package dev.losswatch.topology;

import dev.losswatch.events.ScoredPrediction;
import dev.losswatch.window.TimeBasis;
import dev.losswatch.window.WindowInput;
import dev.losswatch.window.WindowKey;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns each model event into the window inputs it counts toward: the whole model version, and one slice per
 * configured attribute the event carries, placed in time by the window time basis. A slice value is kept if
 * it is among the first {@code maxValuesPerAttribute} values seen for that model and attribute, else it
 * becomes {@link SliceSettings#OTHER}. All of a model's events reach this one task, so the choice is the same
 * for every event, and it is stored (and logged), so it survives restarts.
 */
final class SliceWindowInputs implements Processor<String, ModelEvent, WindowKey, WindowInput> {
    static final String STORE = "losswatch-slice-values";

    private final SliceSettings slices;
    private final TimeBasis timeBasis;
    private ProcessorContext<WindowKey, WindowInput> context;
    private KeyValueStore<String, Integer> admitted;

    SliceWindowInputs(SliceSettings slices, TimeBasis timeBasis) {
        this.slices = slices;
        this.timeBasis = timeBasis;
    }

    static StoreBuilder<KeyValueStore<String, Integer>> storeBuilder(boolean inMemory) {
        StoreBuilder<KeyValueStore<String, Integer>> builder = Stores.keyValueStoreBuilder(
                inMemory ? Stores.inMemoryKeyValueStore(STORE) : Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.Integer());
        return inMemory ? builder.withLoggingDisabled() : builder;
    }

    @Override
    public void init(ProcessorContext<WindowKey, WindowInput> context) {
        this.context = context;
        this.admitted = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ModelEvent> record) {
        String modelId = record.key();
        if (record.value() instanceof ModelEvent.Scored scored) {
            ScoredPrediction event = scored.scored();
            long timestamp = timeBasis == TimeBasis.PREDICTION
                    ? event.getPredictionTimestamp().toEpochMilli()
                    : event.getLabelTimestamp().toEpochMilli();
            forward(record, modelId, event.getModelVersion(), event.getAttributes(), WindowInput.Scored.of(event), timestamp);
        } else if (timeBasis == TimeBasis.PREDICTION) {
            // On label time a prediction has no place in a window until its label comes, so coverage is not counted.
            ModelEvent.Seen seen = (ModelEvent.Seen) record.value();
            forward(record, modelId, seen.modelVersion(), seen.sliceAttributes(), WindowInput.PREDICTION_SEEN,
                    record.timestamp());
        }
    }

    private void forward(Record<String, ModelEvent> record, String modelId, String version,
                         Map<String, String> attributes, WindowInput input, long timestamp) {
        context.forward(new Record<>(WindowKey.wholeModel(modelId, version), input, timestamp, record.headers()));
        for (String attribute : slices.attributes()) {
            String value = attributes.get(attribute);
            if (value != null) {
                WindowKey key = new WindowKey(modelId, version, attribute, admit(modelId, attribute, value), 0);
                context.forward(new Record<>(key, input, timestamp, record.headers()));
            }
        }
    }

    private String admit(String modelId, String attribute, String value) {
        String valueKey = "v\u0000" + modelId + '\u0000' + attribute + '\u0000' + value;
        if (admitted.get(valueKey) != null) {
            return value;
        }
        String countKey = "n\u0000" + modelId + '\u0000' + attribute;
        Integer count = admitted.get(countKey);
        int admittedSoFar = count == null ? 0 : count;
        if (admittedSoFar >= slices.maxValuesPerAttribute()) {
            return SliceSettings.OTHER;
        }
        admitted.put(valueKey, 1);
        admitted.put(countKey, admittedSoFar + 1);
        return value;
    }
}
