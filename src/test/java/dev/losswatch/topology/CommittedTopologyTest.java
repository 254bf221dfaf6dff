package dev.losswatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.losswatch.events.EventSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * {@code topology/} holds the default topology's description and diagram so that reviewers see every change to
 * nodes, stores and internal topics. Regenerate them with
 * {@code mvn test -Dtest=CommittedTopologyTest -Dlosswatch.topology.update=true} and commit the result.
 */
class CommittedTopologyTest {
    private static final Path DESCRIPTION = Path.of("topology/topology.txt");
    private static final Path DIAGRAM = Path.of("topology/topology.mmd");

    @Test
    void theCommittedDescriptionAndDiagramAreThoseOfTheDefaultTopology() throws Exception {
        TopologyDescription description = LosswatchTopology.build(TopologySettings.defaults(),
                new EventSerdes(Map.of("schema.registry.url", "mock://describe")), new SimpleMeterRegistry()).describe();
        String text = description.toString();
        String diagram = TopologyDiagram.mermaid(description);
        if (Boolean.getBoolean("losswatch.topology.update")) {
            Files.createDirectories(DESCRIPTION.getParent());
            Files.writeString(DESCRIPTION, text);
            Files.writeString(DIAGRAM, diagram);
        }
        assertThat(Files.readString(DESCRIPTION))
                .as("topology/topology.txt is stale: regenerate it with -Dlosswatch.topology.update=true")
                .isEqualTo(text);
        assertThat(Files.readString(DIAGRAM))
                .as("topology/topology.mmd is stale: regenerate it with -Dlosswatch.topology.update=true")
                .isEqualTo(diagram);
    }
}
