package dev.losswatch.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Fail-fast checks before the app starts consuming: are the brokers reachable, do the topics exist, and
 * (for {@code --create-topics}) create the missing ones. Every call is bounded by the timeout given to
 * {@link #connect}, and every failure is a {@link PreflightException} naming the bootstrap servers and topics.
 *
 * <p>The client configuration may hold secrets (sasl.jaas.config, *.password): they are handed to Kafka's
 * admin client and appear in no message or log line written here.
 */
public final class KafkaPreflight implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    /** Lets the admin client's own timeout fire first, so its more precise error is the one reported. */
    private static final long CLIENT_TIMEOUT_GRACE_MS = 1_000;
    private static final long VISIBILITY_RETRY_BACKOFF_MS = 50;

    /** What {@link #checkReachable()} found. */
    public record Cluster(String id, int brokerCount) {
    }

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;
    private final int timeoutMs;

    private KafkaPreflight(Admin admin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.timeoutMs = (int) timeout.toMillis();
    }

    /**
     * Prepares an admin client from the app's Kafka client configuration; contacts no broker yet.
     *
     * @param clientConfig Kafka client settings: bootstrap.servers and the security settings, if any
     * @param timeout      the bound on each check below (at least 1 ms, at most Integer.MAX_VALUE ms)
     */
    public static KafkaPreflight connect(Map<String, ?> clientConfig, Duration timeout) {
        if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Kafka preflight timeout must be between 1 ms and "
                    + Integer.MAX_VALUE + " ms, got " + timeout);
        }
        String bootstrapServers = bootstrapServers(clientConfig);
        Map<String, Object> adminConfig = new HashMap<>(clientConfig);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try {
            return new KafkaPreflight(Admin.create(adminConfig), bootstrapServers, timeout);
        } catch (KafkaException e) {
            throw new PreflightException("Cannot create a Kafka admin client for bootstrap.servers="
                    + bootstrapServers + ": " + summary(e));
        }
    }

    /** Asks the cluster for its id and brokers; fails if no broker answers within the timeout. */
    public Cluster checkReachable() {
        DescribeClusterResult result = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
        try {
            Cluster cluster = new Cluster(await(result.clusterId()), await(result.nodes()).size());
            LOG.info("Kafka cluster {} reachable at {} ({} broker(s))", cluster.id(), bootstrapServers, cluster.brokerCount());
            return cluster;
        } catch (ExecutionException e) {
            throw failure("describe the cluster", e.getCause());
        }
    }

    /**
     * Checks that every topic exists and returns each one's partition count, sorted by name.
     *
     * @throws PreflightException naming all missing topics, or why the topics could not be described
     */
    public Map<String, Integer> requireTopics(Collection<String> topics) {
        Set<String> names = new TreeSet<>(topics);
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin
                .describeTopics(names, new DescribeTopicsOptions().timeoutMs(timeoutMs)).topicNameValues();
        Map<String, Integer> partitionCounts = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            try {
                partitionCounts.put(name, await(descriptions.get(name)).partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("describe topic '" + name + "'", e.getCause());
                }
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new PreflightException(missing.size() + " required topic(s) missing on Kafka at bootstrap.servers="
                    + bootstrapServers + ": " + String.join(", ", missing)
                    + ". Create them, or run with --create-topics to have them created.");
        }
        return partitionCounts;
    }

    /**
     * Creates those of the topics that do not exist yet and returns once the brokers serve them. Existing
     * topics are left as they are, whatever their partition count.
     *
     * @return the topics this call created, sorted by name
     * @throws PreflightException naming each topic that could not be created and why
     */
    public List<String> createTopics(Collection<String> names, int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic partition count must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Topic replication factor must be at least 1, got " + replicationFactor);
        }
        Set<String> wanted = new TreeSet<>(names);
        if (wanted.isEmpty()) {
            return List.of();
        }
        CreateTopicsResult result = admin.createTopics(
                wanted.stream().map(name -> new NewTopic(name, partitions, replicationFactor)).toList(),
                new CreateTopicsOptions().timeoutMs(timeoutMs));
        List<String> created = new ArrayList<>();
        Map<String, String> rejected = new TreeMap<>();
        for (String name : wanted) {
            try {
                await(result.values().get(name));
                created.add(name);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TimeoutException) {
                    throw failure("create topic '" + name + "'", e.getCause());
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    rejected.put(name, summary(e.getCause()));
                }
            }
        }
        if (!rejected.isEmpty()) {
            throw new PreflightException("Could not create topic(s) with " + partitions + " partition(s) and replication factor "
                    + replicationFactor + " on Kafka at bootstrap.servers=" + bootstrapServers + ": "
                    + rejected.entrySet().stream().map(r -> r.getKey() + " (" + r.getValue() + ")").collect(Collectors.joining("; ")));
        }
        awaitServed(created);
        if (!created.isEmpty()) {
            LOG.info("Created topics {} with {} partition(s) and replication factor {} at {}",
                    created, partitions, replicationFactor, bootstrapServers);
        }
        return created;
    }

    @Override
    public void close() {
        // nothing is pending once a check returned; waiting would only delay a failing start
        admin.close(Duration.ZERO);
    }

    /**
     * A new topic is committed by the controller before every broker has loaded it; clients that look it up
     * in between are told it does not exist. Waits until a broker describes all of them.
     */
    private void awaitServed(List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                await(admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs)).allTopicNames());
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("describe the new topics " + topics, e.getCause());
                }
                if (System.nanoTime() > deadline) {
                    throw new PreflightException("Created topics " + topics + " on Kafka at bootstrap.servers="
                            + bootstrapServers + ", but the brokers did not serve them within " + timeout);
                }
                pause(VISIBILITY_RETRY_BACKOFF_MS);
            }
        }
    }

    private <T> T await(KafkaFuture<T> future) throws ExecutionException {
        try {
            return future.get(timeoutMs + CLIENT_TIMEOUT_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ExecutionException(new TimeoutException("no answer within " + timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException("Interrupted while waiting for Kafka at bootstrap.servers=" + bootstrapServers);
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException("Interrupted while waiting for Kafka at bootstrap.servers=" + bootstrapServers);
        }
    }

    private PreflightException failure(String action, Throwable error) {
        String where = "Kafka at bootstrap.servers=" + bootstrapServers;
        if (error instanceof TimeoutException) {
            return new PreflightException(where + " is not reachable: no answer to the request to " + action
                    + " within " + timeout + " (" + summary(error) + "). Check that the brokers are running, that "
                    + "bootstrap.servers names them, and that security.protocol matches their listener.");
        }
        if (error instanceof AuthenticationException) {
            return new PreflightException(where + " refused authentication while trying to " + action + " ("
                    + summary(error) + "). Check security.protocol, sasl.mechanism and the credentials in sasl.jaas.config.");
        }
        if (error instanceof AuthorizationException) {
            return new PreflightException("Not authorized to " + action + " on " + where + " (" + summary(error) + ").");
        }
        return new PreflightException("Could not " + action + " on " + where + ": " + summary(error));
    }

    /** The innermost cause says what actually went wrong; the wrappers around it only say where. */
    private static String summary(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String bootstrapServers(Map<String, ?> clientConfig) {
        Object servers = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        String joined = servers instanceof Collection<?> list
                ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                : servers == null ? "" : servers.toString();
        if (joined.isBlank()) {
            throw new PreflightException("No Kafka brokers configured: bootstrap.servers is missing or empty; "
                    + "set it to host:port[,host:port...]");
        }
        return joined;
    }
}
