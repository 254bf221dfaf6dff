package dev.losswatch.events.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The Confluent Schema Registry REST protocol over the JDK's {@link HttpClient}. Several URLs may be
 * given: a request that cannot reach one (connection refused, TLS failure, timeout) goes to the next,
 * and the client keeps using the one that last answered. An answer with an error status is the
 * registry's verdict and is not retried elsewhere. No caching here: see {@link CachingSchemaRegistryClient}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_EXCERPT = 200;

    /** A registry base URL stripped of credentials (so it is safe to print), and what to authenticate with. */
    private record Endpoint(String baseUrl, Optional<String> authorization) {
    }

    private final List<Endpoint> endpoints;
    private final HttpClient http;
    private final Duration readTimeout;
    private final AtomicInteger lastAnswered = new AtomicInteger();

    private RestSchemaRegistryClient(List<Endpoint> endpoints, HttpClient http, Duration readTimeout) {
        this.endpoints = List.copyOf(endpoints);
        this.http = http;
        this.readTimeout = readTimeout;
    }

    public static RestSchemaRegistryClient create(SchemaRegistryConfig config) {
        Optional<String> sharedAuthorization = Optional.empty();
        if (config.userInfoIsCredentialSource()) {
            Password userInfo = config.userInfo().orElseThrow(() -> new ConfigException(
                    SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + " is " + SchemaRegistryConfig.SOURCE_USER_INFO
                            + " but " + SchemaRegistryConfig.BASIC_AUTH_USER_INFO + " is not set"));
            sharedAuthorization = Optional.of(basicAuthorization(userInfo.value()));
        }
        List<String> urls = config.urls();
        if (urls.isEmpty()) {
            throw new ConfigException(SchemaRegistryConfig.URL + " is not set");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            endpoints.add(endpoint(urls.get(i), i, sharedAuthorization, config.userInfoIsCredentialSource()));
        }
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout());
        if (config.truststoreLocation().isPresent()) {
            http.sslContext(sslContext(config));
        }
        return new RestSchemaRegistryClient(endpoints, http.build(), config.readTimeout());
    }

    private static Endpoint endpoint(String url, int position, Optional<String> sharedAuthorization,
                                     boolean userInfoIsCredentialSource) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            // the reason and index only: the URL itself may hold a password
            throw new ConfigException(SchemaRegistryConfig.URL + " entry " + (position + 1) + " is not a URL: "
                    + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            throw new ConfigException(SchemaRegistryConfig.URL + " entry " + (position + 1)
                    + " must be http://host[:port][/path] or https://..., got scheme " + scheme
                    + (uri.getHost() == null ? " and no host" : ""));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        String base = scheme.toLowerCase() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path;
        Optional<String> authorization = userInfoIsCredentialSource || uri.getUserInfo() == null
                ? sharedAuthorization
                : Optional.of(basicAuthorization(uri.getUserInfo()));
        return new Endpoint(base, authorization);
    }

    private static String basicAuthorization(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static SSLContext sslContext(SchemaRegistryConfig config) {
        String location = config.truststoreLocation().orElseThrow();
        char[] password = config.truststorePassword().map(p -> p.value().toCharArray()).orElse(null);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore trustStore = KeyStore.getInstance(config.truststoreType());
            trustStore.load(in, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(SchemaRegistryConfig.TRUSTSTORE_LOCATION, location,
                    "cannot load the " + config.truststoreType() + " trust store: " + e);
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        Answer answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return answer.requiredInt("id");
    }

    @Override
    public Schema schemaById(int id) {
        Answer answer = send("GET", "/schemas/ids/" + id, null);
        String type = answer.body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new UnusableSchemaException(id, "it is a " + type + " schema", answer.url, null);
        }
        if (answer.body.path("references").size() > 0) {
            throw new UnusableSchemaException(id, "it refers to other schemas " + answer.body.get("references")
                    + ", which losswatch does not resolve", answer.url, null);
        }
        String text = answer.requiredText("schema");
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new UnusableSchemaException(id, "it does not parse as Avro: " + e.getMessage(), answer.url, e);
        }
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return send("POST", "/subjects/" + encode(subject), schemaBody(schema)).registeredSchema();
    }

    @Override
    public RegisteredSchema latestVersion(String subject) {
        return send("GET", "/subjects/" + encode(subject) + "/versions/latest", null).registeredSchema();
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        Answer answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        if (!answer.body.path("is_compatible").isBoolean()) {
            throw answer.malformed("no boolean 'is_compatible'");
        }
        List<String> messages = new ArrayList<>();
        answer.body.path("messages").forEach(message -> messages.add(message.asText()));
        JsonNode reason = answer.body.path("reason");
        if (reason.isTextual()) {
            messages.add(reason.asText());
        }
        return new CompatibilityResult(answer.body.get("is_compatible").asBoolean(), messages);
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient" + endpoints.stream().map(Endpoint::baseUrl).toList();
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    /** A successful answer: its JSON body and the URL that gave it. */
    private static final class Answer {
        private final JsonNode body;
        private final int status;
        private final String url;

        private Answer(JsonNode body, int status, String url) {
            this.body = body;
            this.status = status;
            this.url = url;
        }

        int requiredInt(String field) {
            if (!body.path(field).isInt()) {
                throw malformed("no integer '" + field + "'");
            }
            return body.get(field).asInt();
        }

        String requiredText(String field) {
            if (!body.path(field).isTextual()) {
                throw malformed("no string '" + field + "'");
            }
            return body.get(field).asText();
        }

        RegisteredSchema registeredSchema() {
            Schema schema;
            try {
                schema = new Schema.Parser().parse(requiredText("schema"));
            } catch (SchemaParseException e) {
                throw malformed("its 'schema' does not parse as Avro: " + e.getMessage());
            }
            return new RegisteredSchema(requiredText("subject"), requiredInt("version"), requiredInt("id"), schema);
        }

        SchemaRegistryException malformed(String what) {
            return new SchemaRegistryException(status, "unexpected answer, " + what + ": " + excerpt(body.toString()), url);
        }
    }

    private Answer send(String method, String path, JsonNode body) {
        List<String> failures = new ArrayList<>();
        IOException lastFailure = null;
        String lastUrl = null;
        int first = lastAnswered.get();
        for (int attempt = 0; attempt < endpoints.size(); attempt++) {
            int index = (first + attempt) % endpoints.size();
            Endpoint endpoint = endpoints.get(index);
            String url = endpoint.baseUrl() + path;
            HttpRequest request = request(method, url, body, endpoint.authorization());
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                failures.add(url + " (" + describe(e) + ")");
                lastFailure = e;
                lastUrl = url;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(SchemaRegistryException.UNREACHABLE,
                        "interrupted while waiting for " + method + " " + url, url, e);
            }
            lastAnswered.set(index);
            return answer(response, url);
        }
        throw new SchemaRegistryException(SchemaRegistryException.UNREACHABLE,
                method + " " + path + " got no answer from any registry: " + String.join("; ", failures), lastUrl, lastFailure);
    }

    private HttpRequest request(String method, String url, JsonNode body, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(readTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        return request.build();
    }

    private static Answer answer(HttpResponse<String> response, String url) {
        int status = response.statusCode();
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (status >= 200 && status < 300) {
            if (json == null || !json.isObject()) {
                throw new SchemaRegistryException(status, "answer is not a JSON object: " + excerpt(response.body()), url);
            }
            return new Answer(json, status, url);
        }
        if (json != null && json.path("error_code").isInt()) {
            throw new SchemaRegistryException(json.get("error_code").asInt(), json.path("message").asText(""), url);
        }
        throw new SchemaRegistryException(status, "HTTP " + status + ": " + excerpt(response.body()), url);
    }

    /** The exception and its causes, each cause only when it adds a different message. */
    private static String describe(IOException e) {
        StringBuilder description = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        String previous = e.getMessage();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().equals(previous)) {
                description.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
                previous = cause.getMessage();
            }
        }
        return description.toString();
    }

    private static String excerpt(String text) {
        String oneLine = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= ERROR_BODY_EXCERPT ? oneLine : oneLine.substring(0, ERROR_BODY_EXCERPT) + "...";
    }
}
