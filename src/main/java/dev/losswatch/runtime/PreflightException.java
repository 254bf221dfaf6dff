package dev.losswatch.runtime;

/**
 * The Kafka cluster is not ready for the app: unreachable, missing topics, or refusing a request. The message
 * says what is wrong and where (bootstrap servers, topic names) and never contains configuration secrets,
 * which is also why no cause is attached: Kafka's own messages are summarized into this one instead.
 */
public final class PreflightException extends RuntimeException {
    public PreflightException(String message) {
        super(message);
    }
}
