# Stepwise api-server: a JVM image from the Quarkus fast-jar layout.
#
# Build context is the repository root, after the jars are built:
#   ./mvnw -B package -DskipTests
#   docker build -f deploy/docker/api-server.Dockerfile -t stepwise/api-server:dev .
#
# Configuration is by environment only (docs/operations.md lists every variable):
# STEPWISE_DB_URL, STEPWISE_DB_USER, STEPWISE_DB_PASSWORD, STEPWISE_TEMPORAL_TARGET,
# STEPWISE_JWT_PUBLIC_KEY, STEPWISE_JWT_ISSUER, STEPWISE_PACKS_DIR, ...
FROM eclipse-temurin:17-jre

# curl for the HEALTHCHECK below (and for an operator's `docker exec`); a fixed non-root user, uid 1001.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 1001 stepwise \
 && useradd --system --uid 1001 --gid 1001 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin stepwise

WORKDIR /deployments
# Layers from the least to the most often changed; owned by root, so the app cannot rewrite its own code.
COPY api-server/target/quarkus-app/lib/ /deployments/lib/
COPY api-server/target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
COPY api-server/target/quarkus-app/app/ /deployments/app/
COPY api-server/target/quarkus-app/quarkus/ /deployments/quarkus/

# The JVM sizes its heap from the container's memory limit; an OutOfMemoryError ends the process
# (the orchestrator restarts it) instead of leaving a half-working server. JAVA_OPTS_APPEND adds flags.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager" \
    JAVA_OPTS_APPEND="" \
    QUARKUS_HTTP_HOST=0.0.0.0 \
    QUARKUS_HTTP_PORT=8080 \
    QUARKUS_MANAGEMENT_HOST=0.0.0.0 \
    QUARKUS_MANAGEMENT_PORT=9000 \
    STEPWISE_PACKS_DIR=/packs

USER 1001
# 8080 the API and console; 9000 health and metrics (the management interface)
EXPOSE 8080 9000

HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${QUARKUS_MANAGEMENT_PORT:-9000}/q/health/ready" || exit 1

# exec: java is PID 1 and gets SIGTERM directly (graceful shutdown).
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
