package dev.losswatch.testing;

import dev.losswatch.runtime.EmbeddedKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;

/**
 * Starts one {@link EmbeddedKafka} per test class ({@code @ExtendWith(KafkaBrokerExtension.class)}) and closes
 * it after the class. Nested classes share their outer class's broker. Test constructors, lifecycle and test
 * methods may declare {@link EmbeddedKafka} and {@link KafkaTestClient} parameters.
 *
 * <p>One broker per class rather than per JVM: a class may restart its broker (crash tests) without
 * disturbing the others, at the price of a few seconds of broker start per class. Tests within a class
 * share the broker, so each test uses its own topic names.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final String BROKER = "broker";

    @Override
    public void beforeAll(ExtensionContext context) {
        // the store closes the broker (an AutoCloseable) when the class that started it is done
        context.getStore(NAMESPACE).getOrComputeIfAbsent(BROKER, key -> EmbeddedKafka.start(null, Map.of()), EmbeddedKafka.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedKafka.class || type == KafkaTestClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        EmbeddedKafka broker = extensionContext.getStore(NAMESPACE).get(BROKER, EmbeddedKafka.class);
        if (broker == null) {
            throw new ParameterResolutionException("No broker for " + parameterContext.getParameter()
                    + ": register KafkaBrokerExtension with @ExtendWith on the test class, so it starts before the tests");
        }
        return parameterContext.getParameter().getType() == EmbeddedKafka.class
                ? broker
                : new KafkaTestClient(broker.bootstrapServers());
    }
}
