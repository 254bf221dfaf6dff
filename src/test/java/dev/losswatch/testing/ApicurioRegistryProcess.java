package dev.losswatch.testing;

import dev.losswatch.events.registry.RestSchemaRegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Apicurio Registry 2.6 (in-memory storage) as a child process on a free 127.0.0.1 port: a real registry
 * speaking the Confluent API under {@code /apis/ccompat/v7}. Failsafe unpacks it into {@code target/apicurio}.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final Process process;
    private final int port;
    private final Duration startup;

    private ApicurioRegistryProcess(Process process, int port, Duration startup) {
        this.process = process;
        this.port = port;
        this.startup = startup;
    }

    /** Starts the registry found under the {@code apicurio.home} system property and waits until it is ready. */
    public static ApicurioRegistryProcess start() throws IOException, InterruptedException {
        String home = System.getProperty("apicurio.home");
        if (home == null) {
            throw new IllegalStateException("system property apicurio.home is not set: run this IT through failsafe "
                    + "(mvn verify), which unpacks Apicurio Registry into target/apicurio");
        }
        Path runner = runnerJar(Path.of(home));
        int port = freeLoopbackPort();
        Path log = Path.of(home).resolveSibling("apicurio-" + port + ".log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-jar", runner.toString())
                .directory(runner.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ApicurioRegistryProcess registry = null;
        try {
            awaitReady(process, port, log);
            registry = new ApicurioRegistryProcess(process, port, Duration.ofNanos(System.nanoTime() - started));
            return registry;
        } finally {
            if (registry == null) {
                stop(process);
            }
        }
    }

    /** The Confluent-compatible API, e.g. {@code http://127.0.0.1:40123/apis/ccompat/v7}. */
    public String confluentApiUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** From process start until the readiness check answered UP. */
    public Duration startup() {
        return startup;
    }

    /** Sets the global compatibility level through the Confluent API ({@code PUT /config}). */
    public void setGlobalCompatibility(String level) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/config"))
                .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\": \"" + level + "\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("PUT /config answered " + response.statusCode() + ": " + response.body());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static Path runnerJar(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            List<Path> runners = files.filter(file -> file.getFileName().toString().endsWith("-runner.jar")).toList();
            if (runners.size() != 1) {
                throw new IllegalStateException("expected one Apicurio *-runner.jar in " + home + ", found " + runners);
            }
            return runners.get(0);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitReady(Process process, int port, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Apicurio Registry not ready within " + READY_WITHIN + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
