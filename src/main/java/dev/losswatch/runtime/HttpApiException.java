package dev.losswatch.runtime;

/**
 * A request the HTTP API cannot answer, and how to say so: the status, a short {@code error} naming what went
 * wrong, and a {@code detail} saying where (which parameter and value, which store, which instance). The API
 * writes it as {@code {"error": ..., "detail": ...}}.
 */
final class HttpApiException extends RuntimeException {
    private final int status;
    private final String error;

    HttpApiException(int status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
    }

    static HttpApiException badRequest(String error, String detail) {
        return new HttpApiException(400, error, detail);
    }

    static HttpApiException unavailable(String error, String detail) {
        return new HttpApiException(503, error, detail);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    String detail() {
        return getMessage();
    }
}
