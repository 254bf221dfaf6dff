package dev.losswatch.events.registry;

import java.util.List;

/**
 * The registry's verdict on a candidate schema. {@code messages} explains an incompatibility when the
 * registry gives reasons (Confluent's verbose {@code messages}, Apicurio's {@code reason}); it may be empty.
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
