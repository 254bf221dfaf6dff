package dev.losswatch.window;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** {@link LossAggregate} in its compact versioned byte form, for state stores, changelogs and repartition topics. */
public final class LossAggregateSerde extends Serdes.WrapperSerde<LossAggregate> {
    private static final Serde<LossAggregate> FORMAT = WindowFormats.serde(LossAggregate::toBytes, LossAggregate::fromBytes);

    public LossAggregateSerde() {
        super(FORMAT.serializer(), FORMAT.deserializer());
    }
}
