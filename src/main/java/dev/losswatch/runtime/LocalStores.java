package dev.losswatch.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * The partitions of a queryable store whose active task runs on this instance, each as its own store.
 *
 * <p>One store per partition rather than Kafka Streams' composite view: the composite view concatenates the
 * partitions, so a range scan over it is ordered only within each partition, and a query that skips through
 * the key space (as {@link InteractiveQueries#models} does) must seek in each partition on its own.
 */
final class LocalStores {
    private final KafkaStreams streams;
    /** Which sub-topology holds each store: its tasks, and only those, hold a partition of the store. */
    private final Map<String, Integer> subtopologyOfStore = new HashMap<>();

    LocalStores(KafkaStreams streams, TopologyDescription topology) {
        this.streams = streams;
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> subtopologyOfStore.put(store, subtopology.id()));
                }
            }
        }
    }

    /**
     * The local partitions of the store, in partition order.
     *
     * @throws HttpApiException 503 when a partition's task is here but its store cannot be read yet (restoring,
     *                          or migrating in a rebalance)
     */
    <T> List<T> partitions(String storeName, QueryableStoreType<T> type) {
        Integer subtopology = subtopologyOfStore.get(storeName);
        if (subtopology == null) {
            throw new IllegalArgumentException("the topology has no store named " + storeName);
        }
        TreeSet<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                if (task.taskId().subtopology() == subtopology) {
                    partitions.add(task.taskId().partition());
                }
            }
        }
        List<T> stores = new ArrayList<>();
        for (int partition : partitions) {
            try {
                stores.add(streams.store(StoreQueryParameters.fromNameAndType(storeName, type).withPartition(partition)));
            } catch (InvalidStateStoreException e) {
                throw HttpApiException.unavailable("store not queryable right now",
                        "partition " + partition + " of store " + storeName + " on this instance cannot be read yet ("
                                + e.getMessage() + "); Kafka Streams is " + streams.state() + ". Retry shortly.");
            }
        }
        return stores;
    }
}
