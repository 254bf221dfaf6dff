package dev.losswatch.runtime;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A real Apache Kafka broker running inside this JVM: one KRaft node that is both broker and controller,
 * listening on 127.0.0.1 only, on ports chosen free at start.
 *
 * <p>Without a data directory it uses a temporary one that {@link #close()} removes, as does a JVM shutdown
 * that comes before {@code close()}. A given data directory belongs to the caller: it is formatted once,
 * kept on close, and a later broker started on it finds its topics and records again.
 *
 * <p>Thread-safe: lifecycle methods are serialized, so the shutdown hook waits for a running restart.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Another process may take a port between our probe and the broker's bind; a new pair usually works. */
    private static final int BIND_ATTEMPTS = 3;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** Derived from the chosen ports and directory: overriding them would make {@link #bootstrapServers()} lie. */
    private static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles", "node.id", "broker.id", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir");

    /**
     * A single broker cannot meet Kafka's default replication factor of 3 for its internal topics: without
     * these, consumer groups and transactions silently make no progress.
     */
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            // 50 partitions each would only slow the first group join and transaction on one node
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            // nothing to wait for: there is no second group member on its way
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            // a mistyped topic name must fail, not create a topic nobody reads
            Map.entry("auto.create.topics.enable", "false"),
            // the default 128 MiB is allocated on the heap up front, too much for a demo sharing the JVM
            Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024)),
            // fail instead of hanging forever when the node cannot finish starting
            Map.entry("server.max.startup.time.ms", Long.toString(Duration.ofMinutes(2).toMillis())));

    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final Map<String, String> overrides;
    private final Thread shutdownHook;
    private Properties brokerConfig;
    private int clientPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, boolean temporaryDataDir, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.temporaryDataDir = temporaryDataDir;
        this.overrides = Map.copyOf(overrides);
        this.shutdownHook = new Thread(this::close, "embedded-kafka-shutdown");
    }

    /**
     * Formats the data directory if it is new and starts the broker; returns once it accepts clients.
     *
     * @param dataDir   where the broker keeps its logs and metadata; {@code null} for a temporary directory
     * @param overrides broker settings (server.properties keys) replacing or adding to the defaults; keys that
     *                  fix listeners, node identity or directories are rejected
     */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> overrides) {
        rejectManagedKeys(overrides);
        EmbeddedKafka kafka = new EmbeddedKafka(
                dataDir == null ? createTemporaryDirectory() : createDirectory(dataDir), dataDir == null, overrides);
        Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
        try {
            kafka.startOnFreePorts();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** {@code 127.0.0.1:<port>} of the client listener; unchanged by {@link #restart()}. */
    public String bootstrapServers() {
        return HOST + ":" + clientPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates those of the topics that do not exist yet, with the given partition count and replication
     * factor 1, and returns once the broker serves them. Existing topics are left as they are.
     */
    public void createTopics(int partitions, String... names) {
        try (KafkaPreflight admin = KafkaPreflight.connect(Map.of("bootstrap.servers", bootstrapServers()), ADMIN_TIMEOUT)) {
            admin.createTopics(Arrays.asList(names), partitions, (short) 1);
        }
    }

    /**
     * Stops the broker and starts it again on the same ports and data, as a broker crash and recovery
     * looks to clients: connections drop, then the same address serves the same topics and records.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("restart() of a closed EmbeddedKafka (data dir " + dataDir + ")");
        }
        stopServer();
        startServer();
    }

    /** Stops the broker and removes the data directory if it was temporary. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopServer();
        } finally {
            if (temporaryDataDir) {
                deleteDirectory(dataDir);
            }
            removeShutdownHook();
        }
    }

    private void startOnFreePorts() {
        for (int attempt = 1; ; attempt++) {
            List<Integer> ports = freeLoopbackPorts(2);
            clientPort = ports.get(0);
            brokerConfig = brokerConfig(ports.get(0), ports.get(1));
            try {
                startServer();
                return;
            } catch (KafkaException e) {
                if (attempt >= BIND_ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
                LOG.warn("Ports {} were taken before the broker could bind them, retrying with others", ports);
            }
        }
    }

    private void startServer() {
        long startNanos = System.nanoTime();
        formatIfNew();
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(brokerConfig), Time.SYSTEM);
        try {
            starting.startup();
        } catch (RuntimeException e) {
            shutdown(starting);
            throw e;
        }
        server = starting;
        LOG.info("Kafka broker serving {} (data in {}), started in {} ms",
                bootstrapServers(), dataDir, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    private void stopServer() {
        if (server != null) {
            shutdown(server);
            server = null;
        }
    }

    private static void shutdown(KafkaRaftServer raftServer) {
        raftServer.shutdown();
        raftServer.awaitShutdown();
    }

    /** A directory holding meta.properties is formatted already: formatting it again would fail. */
    private void formatIfNew() {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        try (PrintStream reportStream = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(reportStream)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.debug("Formatted {}: {}", dataDir, report.toString(StandardCharsets.UTF_8).strip());
    }

    private Properties brokerConfig(int port, int controllerPort) {
        Properties config = new Properties();
        config.putAll(DEFAULTS);
        config.putAll(overrides);
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + port);
        config.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("inter.broker.listener.name", CLIENT_LISTENER);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("log.dirs", dataDir.toString());
        config.put("metadata.log.dir", dataDir.toString());
        return config;
    }

    private static void rejectManagedKeys(Map<String, String> overrides) {
        Set<String> managed = new TreeSet<>(overrides.keySet());
        managed.retainAll(MANAGED_KEYS);
        if (!managed.isEmpty()) {
            throw new IllegalArgumentException("EmbeddedKafka chooses " + managed + " itself (listeners on "
                    + HOST + ", free ports, its data directory); remove them from the overrides");
        }
    }

    /**
     * Ports that were free a moment ago on the loopback interface. All are held open together while probing,
     * so they are distinct.
     */
    static List<Integer> freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find " + count + " free ports on " + HOST, e);
        } finally {
            sockets.forEach(EmbeddedKafka::closeProbe);
        }
    }

    private static void closeProbe(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing port probe {} failed", socket.getLocalPort(), e);
        }
    }

    private static boolean isBindFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static Path createTemporaryDirectory() {
        try {
            return Files.createTempDirectory("losswatch-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary directory for the embedded Kafka broker", e);
        }
    }

    private static Path createDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create Kafka data directory " + dir, e);
        }
    }

    private static void deleteDirectory(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the embedded Kafka data directory " + dir, e);
        }
    }

    private void removeShutdownHook() {
        if (Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // the JVM is exiting and runs its hooks; ours will find this instance closed
        }
    }
}
