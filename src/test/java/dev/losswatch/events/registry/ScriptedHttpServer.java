package dev.losswatch.events.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A JDK HTTP(S) server on 127.0.0.1 that answers scripted replies and records every request, to test what
 * our client sends and how it reads answers. It is not a registry: it knows nothing but its script.
 */
final class ScriptedHttpServer implements AutoCloseable {
    /** One request as received. */
    record Exchange(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(header -> header.getKey().equalsIgnoreCase(name))
                    .map(header -> String.join(",", header.getValue()))
                    .findFirst().orElse(null);
        }
    }

    private record Reply(int status, String body, Duration delay) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final Map<String, Reply> script = new ConcurrentHashMap<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    private ScriptedHttpServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    static ScriptedHttpServer http() throws IOException {
        return new ScriptedHttpServer(HttpServer.create(loopback(), 0));
    }

    static ScriptedHttpServer https(SSLContext serverContext) throws IOException {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        return new ScriptedHttpServer(server);
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    void reply(String method, String pathAndQuery, int status, String body) {
        replyAfter(Duration.ZERO, method, pathAndQuery, status, body);
    }

    void replyAfter(Duration delay, String method, String pathAndQuery, int status, String body) {
        script.put(method + " " + pathAndQuery, new Reply(status, body, delay));
    }

    /** e.g. {@code http://127.0.0.1:40123} */
    String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String pathAndQuery = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        exchanges.add(new Exchange(exchange.getRequestMethod(), pathAndQuery, Map.copyOf(exchange.getRequestHeaders()), body));
        Reply reply = script.getOrDefault(exchange.getRequestMethod() + " " + pathAndQuery,
                new Reply(500, "unscripted request " + exchange.getRequestMethod() + " " + pathAndQuery, Duration.ZERO));
        try {
            Thread.sleep(reply.delay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        handlers.shutdownNow();
        server.stop(0);
    }
}
