package dev.losswatch.events.registry;

/** Confluent's default subject naming: a topic's values under {@code <topic>-value}, its keys under {@code <topic>-key}. */
public final class TopicNameStrategy {
    private TopicNameStrategy() {
    }

    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
