package dev.losswatch.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Renders a {@link TopologyDescription} as a Mermaid flowchart: one subgraph per sub-topology, topics as
 * rounded nodes, state stores as cylinders. Committed under {@code topology/} beside the describe() text.
 */
public final class TopologyDiagram {
    private TopologyDiagram() {
    }

    public static String mermaid(TopologyDescription description) {
        StringBuilder out = new StringBuilder("flowchart LR\n");
        Set<String> topics = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        List<String> edges = new ArrayList<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            out.append("  subgraph sub").append(subtopology.id()).append("[\"sub-topology ")
                    .append(subtopology.id()).append("\"]\n");
            for (TopologyDescription.Node node : sortedByName(subtopology.nodes())) {
                out.append("    ").append(id(node.name())).append("[\"").append(node.name()).append("\"]\n");
                collectEdges(node, topics, stores, edges);
            }
            out.append("  end\n");
        }
        for (String topic : topics) {
            out.append("  ").append(id("topic:" + topic)).append("([\"").append(topic).append("\"])\n");
        }
        for (String store : stores) {
            out.append("  ").append(id("store:" + store)).append("[(\"").append(store).append("\")]\n");
        }
        edges.stream().sorted().forEach(edge -> out.append("  ").append(edge).append('\n'));
        return out.toString();
    }

    private static void collectEdges(TopologyDescription.Node node, Set<String> topics, Set<String> stores,
                                     List<String> edges) {
        if (node instanceof TopologyDescription.Source) {
            Set<String> sourceTopics = ((TopologyDescription.Source) node).topicSet();
            if (sourceTopics != null) {
                for (String topic : sourceTopics) {
                    topics.add(topic);
                    edges.add(id("topic:" + topic) + " --> " + id(node.name()));
                }
            }
        }
        if (node instanceof TopologyDescription.Sink) {
            String topic = ((TopologyDescription.Sink) node).topic();
            if (topic != null) {
                topics.add(topic);
                edges.add(id(node.name()) + " --> " + id("topic:" + topic));
            }
        }
        if (node instanceof TopologyDescription.Processor) {
            for (String store : ((TopologyDescription.Processor) node).stores()) {
                stores.add(store);
                edges.add(id(node.name()) + " -.- " + id("store:" + store));
            }
        }
        for (TopologyDescription.Node successor : node.successors()) {
            edges.add(id(node.name()) + " --> " + id(successor.name()));
        }
    }

    private static List<TopologyDescription.Node> sortedByName(Set<TopologyDescription.Node> nodes) {
        List<TopologyDescription.Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(TopologyDescription.Node::name));
        return sorted;
    }

    /** Mermaid ids may not contain most punctuation; names do, so ids are sanitised and names kept as labels. */
    private static String id(String name) {
        return name.replaceAll("[^A-Za-z0-9_]", "_");
    }
}
