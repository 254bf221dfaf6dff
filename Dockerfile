# The losswatch runtime image. Build the jar first, then the image, from the repository root:
#   mvn -B -ntp package -DskipTests && docker build -t losswatch .
# target/losswatch.jar finds its libraries through its manifest Class-Path (lib/*.jar, relative to the jar),
# so the jar and target/lib/ are copied side by side.
FROM eclipse-temurin:17-jre

# curl serves the HEALTHCHECK only; recent eclipse-temurin images no longer ship it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 losswatch \
 && useradd --system --uid 10001 --gid losswatch --home-dir /var/lib/losswatch --no-create-home \
        --shell /usr/sbin/nologin losswatch \
 && mkdir -p /var/lib/losswatch/state /etc/losswatch \
 && chown -R losswatch:losswatch /var/lib/losswatch

WORKDIR /opt/losswatch
# Libraries change less often than the application: their layer stays cached across rebuilds.
COPY target/lib/ /opt/losswatch/lib/
COPY target/losswatch.jar /opt/losswatch/losswatch.jar
COPY deploy/losswatch.properties /etc/losswatch/losswatch.properties

# Facts of the image rather than of a deployment, so they survive a mounted properties file:
# listen on every interface (the 127.0.0.1 default is unreachable from outside the container), and keep
# RocksDB state in the volume below. The JVM sizes its heap from the container's memory limit.
ENV LOSSWATCH_HTTP_BIND=0.0.0.0 \
    LOSSWATCH_STATE_DIR=/var/lib/losswatch/state \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

# State stores are rebuilt from their changelogs when lost, but keeping them avoids a long restore.
VOLUME ["/var/lib/losswatch"]

USER losswatch:losswatch
EXPOSE 8080

# /health is never behind http.token, so the check needs no credentials.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${LOSSWATCH_HTTP_PORT:-8080}/health" || exit 1

# Exec form: java is PID 1 and receives SIGTERM itself, so Kafka Streams closes cleanly on `docker stop`.
ENTRYPOINT ["java", "-jar", "/opt/losswatch/losswatch.jar"]
CMD ["run", "--config", "/etc/losswatch/losswatch.properties"]
