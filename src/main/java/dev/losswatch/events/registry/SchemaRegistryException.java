package dev.losswatch.events.registry;

/**
 * A request to the schema registry failed: either the registry answered with an error
 * ({@code {error_code, message}}) or no registry URL could be reached ({@link #UNREACHABLE}).
 * The message names the code, the registry's message and the URL (never its credentials).
 */
public class SchemaRegistryException extends RuntimeException {
    /** Not a registry code: no registry answered at all. */
    public static final int UNREACHABLE = -1;
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;

    private final int errorCode;
    private final String url;

    public SchemaRegistryException(int errorCode, String registryMessage, String url) {
        this(errorCode, registryMessage, url, null);
    }

    public SchemaRegistryException(int errorCode, String registryMessage, String url, Throwable cause) {
        super(describe(errorCode, registryMessage, url), cause);
        this.errorCode = errorCode;
        this.url = url;
    }

    private static String describe(int errorCode, String registryMessage, String url) {
        if (errorCode == UNREACHABLE) {
            return "schema registry unreachable: " + registryMessage;
        }
        return "schema registry error " + errorCode + " at " + url + ": " + registryMessage;
    }

    /** The registry's {@code error_code}, the HTTP status when the body had none, or {@link #UNREACHABLE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The request's URL (the last one tried when none answered), without credentials. */
    public String url() {
        return url;
    }
}
