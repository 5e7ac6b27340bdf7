package io.stepwise.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * What an operator would notice about the deployment files, checked without a cluster or a Docker
 * engine: the Kubernetes manifests (deploy/k8s), the compose file (deploy/compose.yaml), the
 * Dockerfiles (deploy/docker) and the root .dockerignore. Each check is also run against a copy of
 * the files with one thing broken ({@link #everyCheckCanFail}), so none of them passes vacuously.
 */
class DeployManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DEPLOY = deployDir();
    private static final String READY = "/q/health/ready";
    private static final String LIVE = "/q/health/live";
    private static final int HTTP_PORT = 8080;
    /** Health and metrics: each service's management interface, never the API's port. */
    private static final Map<String, Integer> MANAGEMENT_PORT = Map.of("api-server", 9000, "workflow-worker", 9001);
    private static final int APP_UID = 1001;
    /** Stopping the JVM and releasing the lease after the activities' grace: what the kubelet must also wait for. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(10);
    private static final Pattern KEY_MATERIAL = Pattern.compile("-----BEGIN [A-Z0-9 ]*(PRIVATE|PUBLIC) KEY-----");
    /** Env var and ConfigMap key names that hold secrets. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|pwd|secret|token|private).*");
    /** YAML fields that would hold a password as a literal (not {@code secretName} and the like, which are references). */
    private static final Pattern PASSWORD_FIELD = Pattern.compile("(?i).*(password|passwd|pwd).*");
    private static final Pattern INTERPOLATION = Pattern.compile("^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?}$");

    private static Path deployDir() {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return Files.isDirectory(base.resolve("k8s")) ? base : base.resolve("deploy");
    }

    // ---------------------------------------------------------------- the checks, on the real files

    @Test
    void everyKubernetesDocumentParsesAndIsNamed() {
        new Checks(DEPLOY).k8sDocumentsWellFormed();
    }

    @Test
    void deploymentsProbeAndScrapeTheManagementPortAndServeTheApiOn8080() {
        new Checks(DEPLOY).deploymentsProbeHealthOnManagementPort();
    }

    @Test
    void workerGetsLongerToStopThanItsShutdownGrace() {
        new Checks(DEPLOY).workerTerminationGraceExceedsShutdownGrace();
    }

    @Test
    void aDisruptionBudgetSelectsTheWorkerPods() {
        new Checks(DEPLOY).pdbSelectsWorkerPods();
    }

    @Test
    void everyDeploymentSelectsItsOwnPods() {
        new Checks(DEPLOY).deploymentSelectorsMatchPodLabels();
    }

    @Test
    void kustomizationListsEveryManifest() {
        new Checks(DEPLOY).kustomizationListsEveryManifest();
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRoot() {
        new Checks(DEPLOY).podsRunAsNonRoot();
    }

    @Test
    void secretsAreReferencedNeverIncluded() {
        Checks checks = new Checks(DEPLOY);
        checks.noKeyMaterial();
        checks.noLiteralPasswordsInK8s();
        checks.apiServerMountsSecretsAndPacksReadOnly();
    }

    @Test
    void bothServicesReadThePayloadKeyringFromASecret() {
        new Checks(DEPLOY).deploymentsReadTheKeyringFromASecret();
        new Checks(DEPLOY).composeServicesReadTheKeyringFromASecret();
    }

    @Test
    void composeServicesAllHaveHealthChecks() {
        new Checks(DEPLOY).composeHealthchecks();
    }

    @Test
    void composeServicesWaitForHealthyDependencies() {
        new Checks(DEPLOY).composeDependsOnHealthy();
    }

    @Test
    void composeMountsPacksAndKeyReadOnly() {
        new Checks(DEPLOY).composeMountsReadOnly();
    }

    @Test
    void composeWorkerScalesAndStopsGracefully() {
        new Checks(DEPLOY).composeWorkerReplicasAndStopGrace();
    }

    @Test
    void composePasswordsComeOnlyFromTheEnvironment() {
        new Checks(DEPLOY).composePasswordsFromEnvironment();
    }

    @Test
    void dockerfilesRunAsNonRootWithAHealthCheck() {
        new Checks(DEPLOY).dockerfiles();
    }

    @Test
    void dockerignoreKeepsOnlyTheBuiltApps() {
        new Checks(DEPLOY).dockerignore();
    }

    // ---------------------------------------------------------------- each check can fail

    static Stream<Arguments> mutations() {
        return Stream.of(
                mutation("a document without metadata.name", "deploy/k8s/configmap.yaml",
                        "  name: stepwise-config\n", "", Checks::k8sDocumentsWellFormed),
                mutation("readiness on the wrong path", "deploy/k8s/api-server.yaml",
                        "path: /q/health/ready", "path: /q/health", Checks::deploymentsProbeHealthOnManagementPort),
                mutation("liveness on the wrong path", "deploy/k8s/workflow-worker.yaml",
                        "path: /q/health/live", "path: /healthz", Checks::deploymentsProbeHealthOnManagementPort),
                mutation("API container port other than 8080", "deploy/k8s/api-server.yaml",
                        "containerPort: 8080", "containerPort: 9090", Checks::deploymentsProbeHealthOnManagementPort),
                mutation("probes on the API's port", "deploy/k8s/api-server.yaml",
                        "port: management", "port: http", Checks::deploymentsProbeHealthOnManagementPort),
                mutation("worker management port moved", "deploy/k8s/workflow-worker.yaml",
                        "containerPort: 9001", "containerPort: 8080", Checks::deploymentsProbeHealthOnManagementPort),
                mutation("Prometheus scraping the API's port", "deploy/k8s/api-server.yaml",
                        "prometheus.io/port: \"9000\"", "prometheus.io/port: \"8080\"",
                        Checks::deploymentsProbeHealthOnManagementPort),
                mutation("the Service exposing the management port", "deploy/k8s/api-server.yaml",
                        "      targetPort: http", "      targetPort: management", Checks::deploymentsProbeHealthOnManagementPort),
                mutation("worker killed before its activities finish", "deploy/k8s/workflow-worker.yaml",
                        "terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 30",
                        Checks::workerTerminationGraceExceedsShutdownGrace),
                mutation("shutdown grace raised above the termination grace", "deploy/k8s/configmap.yaml",
                        "STEPWISE_WORKER_SHUTDOWN_GRACE: \"30s\"", "STEPWISE_WORKER_SHUTDOWN_GRACE: \"2m\"",
                        Checks::workerTerminationGraceExceedsShutdownGrace),
                mutation("PDB selecting no worker pod", "deploy/k8s/workflow-worker.yaml",
                        "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: stepwise-workflow-worker",
                        "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: stepwise-worker",
                        Checks::pdbSelectsWorkerPods),
                mutation("Deployment selector not matching its pods", "deploy/k8s/api-server.yaml",
                        "    matchLabels:\n      app.kubernetes.io/name: stepwise-api-server\n      app.kubernetes.io/part-of: stepwise\n  strategy:",
                        "    matchLabels:\n      app.kubernetes.io/name: stepwise-api\n      app.kubernetes.io/part-of: stepwise\n  strategy:",
                        Checks::deploymentSelectorsMatchPodLabels),
                mutation("a manifest left out of the kustomization", "deploy/k8s/kustomization.yaml",
                        "  - workflow-worker.yaml\n", "", Checks::kustomizationListsEveryManifest),
                mutation("a pod allowed to run as root", "deploy/k8s/workflow-worker.yaml",
                        "runAsNonRoot: true", "runAsNonRoot: false", Checks::podsRunAsNonRoot),
                mutation("a writable root filesystem", "deploy/k8s/api-server.yaml",
                        "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", Checks::podsRunAsNonRoot),
                mutation("key material in a manifest", "deploy/k8s/configmap.yaml",
                        "data:\n", "data:\n  JWT_KEY: \"-----BEGIN PUBLIC KEY-----\"\n", Checks::noKeyMaterial),
                mutation("a literal database password", "deploy/k8s/api-server.yaml",
                        "              valueFrom:\n                secretKeyRef:\n                  name: stepwise-db\n                  key: password\n",
                        "              value: hunter2\n", Checks::noLiteralPasswordsInK8s),
                mutation("packs mounted writable", "deploy/k8s/api-server.yaml",
                        "              mountPath: /packs\n              readOnly: true\n", "              mountPath: /packs\n",
                        Checks::apiServerMountsSecretsAndPacksReadOnly),
                mutation("the worker without the keyring", "deploy/k8s/workflow-worker.yaml",
                        "            - name: keys\n              mountPath: /etc/stepwise/keys\n              readOnly: true\n", "",
                        Checks::deploymentsReadTheKeyringFromASecret),
                mutation("the keyring from somewhere other than its Secret", "deploy/k8s/api-server.yaml",
                        "secretName: stepwise-keys", "secretName: stepwise-jwt", Checks::deploymentsReadTheKeyringFromASecret),
                mutation("the keyring world-readable", "deploy/k8s/workflow-worker.yaml",
                        "defaultMode: 0440", "defaultMode: 0444", Checks::deploymentsReadTheKeyringFromASecret),
                mutation("a compose service without the keyring secret", "deploy/compose.yaml",
                        "      STEPWISE_WORKER_SHUTDOWN_GRACE: 30s\n      STEPWISE_KEYS_FILE: /run/secrets/stepwise_keys\n    secrets:\n      - stepwise_keys\n",
                        "      STEPWISE_WORKER_SHUTDOWN_GRACE: 30s\n", Checks::composeServicesReadTheKeyringFromASecret),
                mutation("a compose service without a health check", "deploy/compose.yaml",
                        "    healthcheck:\n      # healthy once", "    x-healthcheck:\n      # healthy once",
                        Checks::composeHealthchecks),
                mutation("the worker started before Temporal is healthy", "deploy/compose.yaml",
                        "      temporal:\n        condition: service_healthy\n      # the api-server migrates",
                        "      temporal:\n        condition: service_started\n      # the api-server migrates",
                        Checks::composeDependsOnHealthy),
                mutation("packs mounted writable in compose", "deploy/compose.yaml",
                        "        target: /packs\n        read_only: true", "        target: /packs\n        read_only: false",
                        Checks::composeMountsReadOnly),
                mutation("the worker's replicas not configurable", "deploy/compose.yaml",
                        "    deploy:\n      replicas: ${STEPWISE_WORKER_REPLICAS:-1}\n", "",
                        Checks::composeWorkerReplicasAndStopGrace),
                mutation("the worker stopped before its activities finish", "deploy/compose.yaml",
                        "stop_grace_period: 45s", "stop_grace_period: 10s", Checks::composeWorkerReplicasAndStopGrace),
                mutation("a literal password in compose", "deploy/compose.yaml",
                        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-stepwise}", "      POSTGRES_PASSWORD: stepwise",
                        Checks::composePasswordsFromEnvironment),
                mutation("an image running as root", "deploy/docker/workflow-worker.Dockerfile",
                        "USER 1001", "USER root", Checks::dockerfiles),
                mutation("an image without a health check", "deploy/docker/api-server.Dockerfile",
                        "HEALTHCHECK --interval", "# HEALTHCHECK --interval", Checks::dockerfiles),
                mutation("an image health check on the API's port", "deploy/docker/api-server.Dockerfile",
                        "${QUARKUS_MANAGEMENT_PORT:-9000}", "${QUARKUS_HTTP_PORT:-8080}", Checks::dockerfiles),
                mutation("an image that does not expose its management port", "deploy/docker/workflow-worker.Dockerfile",
                        "EXPOSE 9001", "EXPOSE 8080", Checks::dockerfiles),
                mutation("a compose health check on the API's port", "deploy/compose.yaml",
                        "http://127.0.0.1:9000/q/health/ready", "http://127.0.0.1:8080/q/health/ready",
                        Checks::composeHealthchecks),
                mutation("a health check whose tool is not installed", "deploy/docker/api-server.Dockerfile",
                        "install -y --no-install-recommends curl ca-certificates",
                        "install -y --no-install-recommends ca-certificates", Checks::dockerfiles),
                mutation("a built app left out of the build context", ".dockerignore",
                        "!workflow-worker/target/quarkus-app\n", "", Checks::dockerignore));
    }

    private static Arguments mutation(String name, String file, String from, String to, Consumer<Checks> check) {
        return Arguments.of(name, file, from, to, check);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void everyCheckCanFail(String name, String file, String from, String to, Consumer<Checks> check,
                           @TempDir Path copy) throws IOException {
        Path root = DEPLOY.getParent();
        for (String part : List.of("deploy/k8s", "deploy/docker", "deploy/compose.yaml", ".dockerignore",
                Checks.WORKER_CONFIG)) {
            copyTree(root.resolve(part), copy.resolve(part));
        }
        Checks mutated = new Checks(copy.resolve("deploy"));
        check.accept(mutated); // the unbroken copy passes
        Path target = copy.resolve(file);
        String text = Files.readString(target);
        assertThat(text).as("the mutation '%s' must find its text in %s", name, file).contains(from);
        Files.writeString(target, text.replace(from, to));
        assertThatThrownBy(() -> check.accept(mutated)).as(name).isInstanceOf(AssertionError.class);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the checks

    /** Every assertion an operator relies on, against one deploy folder (the real one, or a broken copy). */
    static final class Checks {
        static final String WORKER_CONFIG = "runtime-bootstrap/src/main/java/io/stepwise/bootstrap/config/WorkerConfig.java";
        private static final String API = "stepwise-api-server";
        private static final String WORKER = "stepwise-workflow-worker";

        private final Path deploy;
        private final Path k8s;

        Checks(Path deploy) {
            this.deploy = deploy;
            this.k8s = deploy.resolve("k8s");
        }

        // ------------------------------------------------------------ Kubernetes

        record Doc(Path file, JsonNode node) {
            String kind() {
                return node.path("kind").asText();
            }

            String name() {
                return node.path("metadata").path("name").asText();
            }

            @Override
            public String toString() {
                return file.getFileName() + ": " + kind() + " " + name();
            }
        }

        List<Path> manifestFiles() {
            try (Stream<Path> files = Files.list(k8s)) {
                return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .filter(f -> !f.getFileName().toString().startsWith("kustomization"))
                        .sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Doc> docs() {
            List<Doc> docs = new ArrayList<>();
            for (Path file : manifestFiles()) {
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (it.hasNext()) {
                        JsonNode node = it.next();
                        if (node != null && !node.isNull() && !node.isMissingNode()) {
                            docs.add(new Doc(file, node));
                        }
                    }
                } catch (IOException e) {
                    throw new AssertionError(file + " does not parse as YAML: " + e.getMessage(), e);
                }
            }
            return docs;
        }

        Doc deployment(String name) {
            return docs().stream().filter(d -> d.kind().equals("Deployment") && d.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no Deployment " + name + " in " + k8s));
        }

        List<Doc> deployments() {
            return docs().stream().filter(d -> d.kind().equals("Deployment")).toList();
        }

        void k8sDocumentsWellFormed() {
            List<Doc> docs = docs();
            assertThat(docs).as("documents in %s", k8s).isNotEmpty();
            for (Doc doc : docs) {
                assertThat(doc.node().isObject()).as("%s is a mapping", doc.file()).isTrue();
                assertThat(doc.node().path("apiVersion").asText()).as("apiVersion of %s", doc).isNotBlank();
                assertThat(doc.kind()).as("kind of a document in %s", doc.file()).isNotBlank();
                assertThat(doc.name()).as("metadata.name of %s", doc).isNotBlank();
                assertThat(doc.node().path("metadata").has("namespace"))
                        .as("%s names no namespace (the manifests are namespace-agnostic)", doc).isFalse();
            }
            assertThat(docs.stream().map(Doc::name).filter(n -> n.equals(API) || n.equals(WORKER)))
                    .as("both Deployments exist").contains(API, WORKER);
        }

        void deploymentsProbeHealthOnManagementPort() {
            for (String name : List.of(API, WORKER)) {
                Doc deployment = deployment(name);
                JsonNode container = mainContainer(deployment);
                int management = MANAGEMENT_PORT.get(name.equals(API) ? "api-server" : "workflow-worker");
                Map<String, Integer> ports = new LinkedHashMap<>();
                container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
                assertThat(ports).as("%s container ports", name).containsEntry("management", management);
                assertProbe(name, container, "startupProbe", LIVE, ports, management);
                assertProbe(name, container, "readinessProbe", READY, ports, management);
                assertProbe(name, container, "livenessProbe", LIVE, ports, management);
                JsonNode annotations = deployment.node().path("spec").path("template").path("metadata").path("annotations");
                assertThat(annotations.path("prometheus.io/port").asText()).as("%s scraped on", name)
                        .isEqualTo(String.valueOf(management));
                assertThat(annotations.path("prometheus.io/path").asText()).as("%s scraped at", name).isEqualTo("/q/metrics");
            }
            Map<String, Integer> apiPorts = new LinkedHashMap<>();
            mainContainer(deployment(API)).path("ports")
                    .forEach(p -> apiPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
            assertThat(apiPorts).as("the API's container ports").containsEntry("http", HTTP_PORT);
            Doc service = docs().stream().filter(d -> d.kind().equals("Service") && d.name().equals(API)).findFirst()
                    .orElseThrow(() -> new AssertionError("no Service " + API));
            service.node().path("spec").path("ports").forEach(p -> {
                JsonNode target = p.path("targetPort");
                int number = target.isInt() ? target.asInt() : apiPorts.getOrDefault(target.asText(), -1);
                assertThat(number).as("the Service %s sends traffic to", API).isEqualTo(HTTP_PORT);
            });
        }

        private static void assertProbe(String deployment, JsonNode container, String probe, String path,
                                        Map<String, Integer> ports, int expectedPort) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.isObject()).as("%s has an HTTP %s", deployment, probe).isTrue();
            assertThat(get.path("path").asText()).as("%s %s path", deployment, probe).isEqualTo(path);
            JsonNode port = get.path("port");
            int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
            assertThat(number).as("%s %s port", deployment, probe).isEqualTo(expectedPort);
        }

        private static JsonNode mainContainer(Doc deployment) {
            JsonNode containers = deployment.node().path("spec").path("template").path("spec").path("containers");
            assertThat(containers.size()).as("containers of %s", deployment).isGreaterThanOrEqualTo(1);
            return containers.get(0);
        }

        void workerTerminationGraceExceedsShutdownGrace() {
            Doc worker = deployment(WORKER);
            JsonNode spec = worker.node().path("spec").path("template").path("spec");
            assertThat(spec.path("terminationGracePeriodSeconds").isInt())
                    .as("%s sets terminationGracePeriodSeconds", worker).isTrue();
            Duration termination = Duration.ofSeconds(spec.path("terminationGracePeriodSeconds").asInt());
            Duration grace = k8sWorkerShutdownGrace(worker);
            assertThat(termination).as("terminationGracePeriodSeconds of %s vs the worker's shutdown grace %s "
                    + "plus %s to release the lease and stop", worker, grace, STOP_MARGIN)
                    .isGreaterThanOrEqualTo(grace.plus(STOP_MARGIN));
        }

        /** The env var if the worker container sets it, else the ConfigMap it loads, else the code's default. */
        private Duration k8sWorkerShutdownGrace(Doc worker) {
            JsonNode container = mainContainer(worker);
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals("STEPWISE_WORKER_SHUTDOWN_GRACE") && env.has("value")) {
                    return duration(env.path("value").asText());
                }
            }
            for (JsonNode from : container.path("envFrom")) {
                String map = from.path("configMapRef").path("name").asText();
                Optional<Doc> cm = docs().stream().filter(d -> d.kind().equals("ConfigMap") && d.name().equals(map)).findFirst();
                if (cm.isPresent() && cm.get().node().path("data").has("STEPWISE_WORKER_SHUTDOWN_GRACE")) {
                    return duration(cm.get().node().path("data").path("STEPWISE_WORKER_SHUTDOWN_GRACE").asText());
                }
            }
            return defaultShutdownGrace();
        }

        /** {@code @WithDefault} of {@code WorkerConfig.shutdownGrace()}: the grace when nothing configures it. */
        Duration defaultShutdownGrace() {
            Path source = deploy.getParent().resolve(WORKER_CONFIG);
            String text;
            try {
                text = Files.readString(source);
            } catch (IOException e) {
                throw new AssertionError("cannot read the worker's config mapping " + source, e);
            }
            Matcher m = Pattern.compile("@WithDefault\\(\"([^\"]+)\"\\)\\s+Duration\\s+shutdownGrace\\(\\)").matcher(text);
            if (!m.find()) {
                fail("no @WithDefault on shutdownGrace() in " + source);
            }
            return duration(m.group(1));
        }

        void pdbSelectsWorkerPods() {
            Map<String, String> workerPods = labels(deployment(WORKER).node().path("spec").path("template")
                    .path("metadata").path("labels"));
            Map<String, String> apiPods = labels(deployment(API).node().path("spec").path("template")
                    .path("metadata").path("labels"));
            List<Doc> pdbs = docs().stream().filter(d -> d.kind().equals("PodDisruptionBudget")).toList();
            List<Doc> forWorkers = pdbs.stream().filter(d -> {
                Map<String, String> selector = labels(d.node().path("spec").path("selector").path("matchLabels"));
                return !selector.isEmpty() && workerPods.entrySet().containsAll(selector.entrySet());
            }).toList();
            assertThat(forWorkers).as("a PodDisruptionBudget whose selector matches the worker pods %s (have %s)",
                    workerPods, pdbs).hasSize(1);
            JsonNode spec = forWorkers.get(0).node().path("spec");
            assertThat(spec.path("minAvailable").asInt(0)).as("minAvailable of %s", forWorkers.get(0)).isGreaterThanOrEqualTo(1);
            Map<String, String> selector = labels(spec.path("selector").path("matchLabels"));
            assertThat(apiPods.entrySet().containsAll(selector.entrySet()))
                    .as("the worker PDB selects no api-server pod").isFalse();
        }

        void deploymentSelectorsMatchPodLabels() {
            List<Doc> deployments = deployments();
            assertThat(deployments).isNotEmpty();
            for (Doc d : deployments) {
                Map<String, String> selector = labels(d.node().path("spec").path("selector").path("matchLabels"));
                Map<String, String> pods = labels(d.node().path("spec").path("template").path("metadata").path("labels"));
                assertThat(selector).as("selector of %s", d).isNotEmpty();
                assertThat(pods).as("pod labels of %s match its selector", d).containsAllEntriesOf(selector);
            }
            for (Doc service : docs().stream().filter(d -> d.kind().equals("Service")).toList()) {
                Map<String, String> selector = labels(service.node().path("spec").path("selector"));
                assertThat(deployments.stream().anyMatch(d -> labels(d.node().path("spec").path("template")
                        .path("metadata").path("labels")).entrySet().containsAll(selector.entrySet())))
                        .as("%s selects the pods of a Deployment", service).isTrue();
            }
        }

        void kustomizationListsEveryManifest() {
            JsonNode kustomization = read(k8s.resolve("kustomization.yaml"));
            Set<String> listed = new LinkedHashSet<>();
            kustomization.path("resources").forEach(r -> listed.add(r.asText()));
            Set<String> files = new LinkedHashSet<>();
            manifestFiles().forEach(f -> files.add(f.getFileName().toString()));
            assertThat(listed).as("kustomization.yaml resources vs the manifests in %s", k8s)
                    .containsExactlyInAnyOrderElementsOf(files);
        }

        void podsRunAsNonRoot() {
            for (Doc d : deployments()) {
                JsonNode pod = d.node().path("spec").path("template").path("spec");
                JsonNode podSecurity = pod.path("securityContext");
                List<JsonNode> containers = new ArrayList<>();
                pod.path("initContainers").forEach(containers::add);
                pod.path("containers").forEach(containers::add);
                Set<String> emptyDirs = new LinkedHashSet<>();
                pod.path("volumes").forEach(v -> {
                    if (v.has("emptyDir")) {
                        emptyDirs.add(v.path("name").asText());
                    }
                });
                for (JsonNode c : containers) {
                    JsonNode security = c.path("securityContext");
                    String what = d + " container " + c.path("name").asText();
                    assertThat(security.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false)))
                            .as("runAsNonRoot for %s", what).isTrue();
                    assertThat(security.path("runAsUser").asInt(podSecurity.path("runAsUser").asInt(0)))
                            .as("runAsUser for %s", what).isEqualTo(APP_UID);
                    assertThat(security.path("allowPrivilegeEscalation").asBoolean(true))
                            .as("allowPrivilegeEscalation for %s", what).isFalse();
                    assertThat(security.path("readOnlyRootFilesystem").asBoolean(false))
                            .as("readOnlyRootFilesystem for %s", what).isTrue();
                }
                JsonNode main = mainContainer(d);
                boolean tmp = false;
                for (JsonNode m : main.path("volumeMounts")) {
                    tmp |= m.path("mountPath").asText().equals("/tmp") && emptyDirs.contains(m.path("name").asText())
                            && !m.path("readOnly").asBoolean(false);
                }
                assertThat(tmp).as("%s mounts a writable emptyDir on /tmp (Quarkus and the JVM write there)", d).isTrue();
            }
        }

        void noLiteralPasswordsInK8s() {
            for (Doc d : docs()) {
                assertThat(d.kind()).as("%s: Secrets are created by the operator, never shipped", d.file())
                        .isNotEqualTo("Secret");
                if (d.kind().equals("ConfigMap")) {
                    d.node().path("data").properties().forEach(e -> assertThat(e.getKey())
                            .as("ConfigMap %s holds no secret-looking key", d.name()).doesNotMatch(SECRET_NAME));
                }
                walk(d.node(), (field, value) -> {
                    if (PASSWORD_FIELD.matcher(field).matches() && value.isValueNode()) {
                        fail("%s: %s has a literal value", d, field);
                    }
                    if (field.equals("env") && value.isArray()) {
                        for (JsonNode env : value) {
                            if (SECRET_NAME.matcher(env.path("name").asText()).matches()) {
                                assertThat(env.has("value")).as("%s: env %s has a literal value", d,
                                        env.path("name").asText()).isFalse();
                                assertThat(env.path("valueFrom").has("secretKeyRef"))
                                        .as("%s: env %s comes from a Secret", d, env.path("name").asText()).isTrue();
                            }
                        }
                    }
                });
            }
            JsonNode password = envEntry(mainContainer(deployment(API)), "STEPWISE_DB_PASSWORD");
            assertThat(password.path("valueFrom").path("secretKeyRef").path("name").asText())
                    .as("the api-server's database password comes from a Secret").isNotBlank();
            password = envEntry(mainContainer(deployment(WORKER)), "STEPWISE_DB_PASSWORD");
            assertThat(password.path("valueFrom").path("secretKeyRef").path("name").asText())
                    .as("the worker's database password comes from a Secret").isNotBlank();
        }

        private static JsonNode envEntry(JsonNode container, String name) {
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals(name)) {
                    return env;
                }
            }
            throw new AssertionError("no env " + name + " in container " + container.path("name").asText());
        }

        void noKeyMaterial() {
            List<Path> files = new ArrayList<>(manifestFiles());
            files.add(k8s.resolve("kustomization.yaml"));
            files.add(deploy.resolve("compose.yaml"));
            files.addAll(dockerfiles(deploy.resolve("docker")));
            for (Path file : files) {
                String text = text(file);
                assertThat(KEY_MATERIAL.matcher(text).find()).as("%s contains key material", file).isFalse();
            }
        }

        void apiServerMountsSecretsAndPacksReadOnly() {
            Doc api = deployment(API);
            JsonNode pod = api.node().path("spec").path("template").path("spec");
            Map<String, JsonNode> volumes = new LinkedHashMap<>();
            pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
            Map<String, JsonNode> mounts = new LinkedHashMap<>();
            mainContainer(api).path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m));

            JsonNode packs = mounts.get("/packs");
            assertThat(packs).as("%s mounts the packs on /packs", api).isNotNull();
            assertThat(packs.path("readOnly").asBoolean(false)).as("the packs mount is read-only").isTrue();

            String keyLocation = configValue("STEPWISE_JWT_PUBLIC_KEY").replaceFirst("^file:", "");
            JsonNode keyMount = mounts.values().stream()
                    .filter(m -> keyLocation.startsWith(m.path("mountPath").asText() + "/")).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing mounted where STEPWISE_JWT_PUBLIC_KEY points: " + keyLocation));
            assertThat(keyMount.path("readOnly").asBoolean(false)).as("the JWT key mount is read-only").isTrue();
            JsonNode keyVolume = volumes.get(keyMount.path("name").asText());
            assertThat(keyVolume.path("secret").path("secretName").asText())
                    .as("the JWT public key comes from a Secret, by name").isNotBlank();
        }

        /** Both deployments: STEPWISE_KEYS_FILE inside a read-only mount of the Secret stepwise-keys, 0440 (docs/security.md). */
        void deploymentsReadTheKeyringFromASecret() {
            for (String name : List.of(API, WORKER)) {
                Doc d = deployment(name);
                JsonNode container = mainContainer(d);
                String file = null;
                for (JsonNode e : container.path("env")) {
                    if (e.path("name").asText().equals("STEPWISE_KEYS_FILE")) {
                        file = e.path("value").asText();
                    }
                }
                assertThat(file).as("%s sets STEPWISE_KEYS_FILE", name).isNotBlank();
                String keysFile = file;
                JsonNode mount = null;
                for (JsonNode m : container.path("volumeMounts")) {
                    if (keysFile.startsWith(m.path("mountPath").asText() + "/")) {
                        mount = m;
                    }
                }
                assertThat(mount).as("%s mounts something where STEPWISE_KEYS_FILE points (%s)", name, file).isNotNull();
                assertThat(mount.path("readOnly").asBoolean(false)).as("%s keyring mount is read-only", name).isTrue();
                JsonNode volume = null;
                for (JsonNode v : d.node().path("spec").path("template").path("spec").path("volumes")) {
                    if (v.path("name").asText().equals(mount.path("name").asText())) {
                        volume = v;
                    }
                }
                assertThat(volume).as("%s volume %s", name, mount.path("name").asText()).isNotNull();
                assertThat(volume.path("secret").path("secretName").asText()).as("%s keyring Secret", name)
                        .isEqualTo("stepwise-keys");
                assertThat(volume.path("secret").path("defaultMode").asInt()).as("%s keyring file mode", name)
                        .isEqualTo(0440);
            }
        }

        /** Both compose services: the file secret stepwise_keys, and STEPWISE_KEYS_FILE pointing at it. */
        void composeServicesReadTheKeyringFromASecret() {
            assertThat(compose().path("secrets").path("stepwise_keys").path("file").asText())
                    .as("the compose secret stepwise_keys comes from a file").isNotBlank();
            for (String name : List.of("api-server", "workflow-worker")) {
                JsonNode service = service(name);
                List<String> secrets = new java.util.ArrayList<>();
                service.path("secrets").forEach(x -> secrets.add(x.isObject() ? x.path("source").asText() : x.asText()));
                assertThat(secrets).as("%s secrets", name).contains("stepwise_keys");
                assertThat(env(service).get("STEPWISE_KEYS_FILE")).as("%s STEPWISE_KEYS_FILE", name)
                        .isEqualTo("/run/secrets/stepwise_keys");
            }
        }

        private String configValue(String key) {
            return docs().stream().filter(d -> d.kind().equals("ConfigMap"))
                    .map(d -> d.node().path("data").path(key)).filter(JsonNode::isTextual).map(JsonNode::asText)
                    .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap sets " + key));
        }

        // ------------------------------------------------------------ compose

        JsonNode compose() {
            return read(deploy.resolve("compose.yaml"));
        }

        JsonNode service(String name) {
            JsonNode service = compose().path("services").path(name);
            assertThat(service.isObject()).as("compose service %s", name).isTrue();
            return service;
        }

        void composeHealthchecks() {
            JsonNode services = compose().path("services");
            assertThat(names(services)).as("compose services")
                    .contains("postgres", "temporal", "api-server", "workflow-worker");
            services.properties().forEach(e -> {
                JsonNode check = e.getValue().path("healthcheck");
                assertThat(check.isObject()).as("compose service %s has a healthcheck", e.getKey()).isTrue();
                assertThat(check.path("disable").asBoolean(false)).as("%s healthcheck disabled", e.getKey()).isFalse();
                JsonNode test = check.path("test");
                String joined = test.isArray() ? join(test) : test.asText();
                assertThat(joined).as("%s healthcheck test", e.getKey()).isNotBlank().doesNotStartWith("NONE");
            });
            for (String name : List.of("api-server", "workflow-worker")) {
                assertThat(join(service(name).path("healthcheck").path("test"))).as("%s healthcheck", name)
                        .contains(":" + MANAGEMENT_PORT.get(name) + READY);
            }
            assertThat(join(service("postgres").path("healthcheck").path("test"))).contains("pg_isready");
        }

        void composeDependsOnHealthy() {
            for (String name : List.of("api-server", "workflow-worker")) {
                JsonNode depends = service(name).path("depends_on");
                assertThat(depends.isObject()).as("%s depends_on has conditions", name).isTrue();
                assertThat(names(depends)).as("%s depends on", name).contains("postgres", "temporal");
                depends.properties().forEach(e -> assertThat(e.getValue().path("condition").asText())
                        .as("%s waits for %s", name, e.getKey()).isEqualTo("service_healthy"));
            }
            JsonNode temporal = service("temporal").path("depends_on").path("postgres");
            assertThat(temporal.path("condition").asText()).as("temporal waits for postgres").isEqualTo("service_healthy");
        }

        void composeMountsReadOnly() {
            JsonNode api = service("api-server");
            JsonNode packs = volume(api, "/packs");
            assertThat(readOnly(packs)).as("the packs mount is read-only").isTrue();
            String keyFile = env(api).getOrDefault("STEPWISE_JWT_PUBLIC_KEY", "").replaceFirst("^file:", "");
            assertThat(keyFile).as("STEPWISE_JWT_PUBLIC_KEY of api-server").isNotBlank();
            JsonNode key = volume(api, keyFile);
            assertThat(readOnly(key)).as("the JWT key mount is read-only").isTrue();
            assertThat(key.isObject() ? key.path("source").asText() : key.asText())
                    .as("the key's host path is given by STEPWISE_JWT_PUBLIC_KEY_FILE").contains("${STEPWISE_JWT_PUBLIC_KEY_FILE");
            assertThat(env(api).get("STEPWISE_PACKS_DIR")).as("api-server STEPWISE_PACKS_DIR").isEqualTo("/packs");
        }

        private static JsonNode volume(JsonNode service, String target) {
            for (JsonNode v : service.path("volumes")) {
                String t = v.isObject() ? v.path("target").asText() : v.asText().split(":").length > 1 ? v.asText().split(":")[1] : "";
                if (t.equals(target)) {
                    return v;
                }
            }
            throw new AssertionError("no volume mounted on " + target);
        }

        private static boolean readOnly(JsonNode volume) {
            if (volume.isObject()) {
                return volume.path("read_only").asBoolean(false);
            }
            String[] parts = volume.asText().split(":");
            return parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
        }

        void composeWorkerReplicasAndStopGrace() {
            JsonNode worker = service("workflow-worker");
            assertThat(worker.path("deploy").path("replicas").asText())
                    .as("workflow-worker deploy.replicas").isEqualTo("${STEPWISE_WORKER_REPLICAS:-1}");
            assertThat(worker.has("container_name")).as("a scaled service has no fixed container_name").isFalse();
            assertThat(worker.has("ports")).as("a scaled service publishes no fixed host port").isFalse();
            String configured = env(worker).get("STEPWISE_WORKER_SHUTDOWN_GRACE");
            Duration grace = configured == null ? defaultShutdownGrace() : duration(configured);
            assertThat(worker.path("stop_grace_period").isMissingNode()).as("workflow-worker stop_grace_period").isFalse();
            assertThat(duration(worker.path("stop_grace_period").asText()))
                    .as("workflow-worker stop_grace_period vs shutdown grace %s plus %s", grace, STOP_MARGIN)
                    .isGreaterThanOrEqualTo(grace.plus(STOP_MARGIN));
        }

        void composePasswordsFromEnvironment() {
            compose().path("services").properties().forEach(s -> env(s.getValue()).forEach((key, value) -> {
                if (SECRET_NAME.matcher(key).matches()) {
                    assertThat(value).as("%s %s is taken from the environment (${VAR:-dev default})", s.getKey(), key)
                            .matches(INTERPOLATION);
                }
            }));
        }

        private static Map<String, String> env(JsonNode service) {
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode node = service.path("environment");
            if (node.isArray()) {
                node.forEach(e -> {
                    String[] kv = e.asText().split("=", 2);
                    env.put(kv[0], kv.length > 1 ? kv[1] : "");
                });
            } else {
                node.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            }
            return env;
        }

        // ------------------------------------------------------------ Docker

        void dockerfiles() {
            List<Path> files = dockerfiles(deploy.resolve("docker"));
            assertThat(files.stream().map(f -> f.getFileName().toString()))
                    .contains("api-server.Dockerfile", "workflow-worker.Dockerfile");
            for (Path file : files) {
                String module = file.getFileName().toString().replace(".Dockerfile", "");
                List<String[]> instructions = instructions(file);
                List<String> from = args(instructions, "FROM");
                assertThat(from).as("%s FROM", file).containsExactly("eclipse-temurin:17-jre");
                List<String> users = args(instructions, "USER");
                assertThat(users).as("%s sets a USER", file).isNotEmpty();
                String user = users.get(users.size() - 1).split(":")[0];
                assertThat(user).as("%s runs as", file).isNotIn("root", "0").isEqualTo(String.valueOf(APP_UID));
                List<String> health = args(instructions, "HEALTHCHECK");
                assertThat(health).as("%s has a HEALTHCHECK", file).hasSize(1);
                int management = MANAGEMENT_PORT.get(module);
                assertThat(health.get(0)).as("%s HEALTHCHECK", file).contains(READY).doesNotStartWith("NONE")
                        .contains("${QUARKUS_MANAGEMENT_PORT:-" + management + "}" + READY);
                assertThat(String.join("\n", args(instructions, "ENV"))).as("%s ENV", file)
                        .contains("QUARKUS_MANAGEMENT_PORT=" + management, "QUARKUS_MANAGEMENT_HOST=0.0.0.0");
                String runs = String.join("\n", args(instructions, "RUN"));
                for (String tool : List.of("curl", "wget")) {
                    if (health.get(0).matches("(?s).*\\bCMD\\s+" + tool + "\\b.*")) {
                        assertThat(runs).as("%s installs %s, which its HEALTHCHECK uses", file, tool)
                                .containsPattern("install[^\\n]*\\b" + tool + "\\b");
                    }
                }
                List<String> exposed = args(instructions, "EXPOSE").stream().flatMap(e -> Stream.of(e.split("\\s+"))).toList();
                assertThat(exposed).as("%s EXPOSE", file).contains(String.valueOf(management));
                if (module.endsWith("api-server")) {
                    assertThat(exposed).as("%s EXPOSE", file).contains(String.valueOf(HTTP_PORT));
                }
                String copies = String.join("\n", args(instructions, "COPY"));
                for (String part : List.of("lib/", "app/", "quarkus/", "quarkus-run.jar")) {
                    assertThat(copies).as("%s copies the fast-jar %s", file, part)
                            .contains(module + "/target/quarkus-app/" + part);
                }
                String env = String.join("\n", args(instructions, "ENV"));
                assertThat(env).as("%s JAVA_OPTS", file).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
                assertThat(args(instructions, "ENTRYPOINT")).as("%s ENTRYPOINT", file).singleElement()
                        .asString().contains("exec java", "$JAVA_OPTS", "quarkus-run.jar");
            }
        }

        void dockerignore() {
            List<String> lines = text(deploy.getParent().resolve(".dockerignore")).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertThat(lines).as(".dockerignore").isNotEmpty();
            assertThat(lines.get(0)).as(".dockerignore starts by excluding everything").isEqualTo("*");
            for (Path file : dockerfiles(deploy.resolve("docker"))) {
                Matcher m = Pattern.compile("COPY\\s+(\\S+?/target/quarkus-app)/").matcher(text(file));
                Set<String> sources = new LinkedHashSet<>();
                while (m.find()) {
                    sources.add(m.group(1));
                }
                assertThat(sources).as("%s copies from a built app", file).isNotEmpty();
                for (String source : sources) {
                    assertThat(lines).as(".dockerignore keeps %s, which %s copies", source, file.getFileName())
                            .anyMatch(l -> l.equals("!" + source) || l.equals("!" + source + "/") || l.equals("!" + source + "/**"));
                }
            }
        }

        private static List<Path> dockerfiles(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".Dockerfile")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Instructions with comments dropped and continuation lines joined: {keyword, arguments}. */
        private static List<String[]> instructions(Path dockerfile) {
            List<String[]> result = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text(dockerfile).lines().toList()) {
                String stripped = line.strip();
                if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
                    continue;
                }
                if (stripped.endsWith("\\")) {
                    current.append(stripped, 0, stripped.length() - 1).append('\n');
                    continue;
                }
                current.append(stripped);
                String instruction = current.toString().strip();
                current.setLength(0);
                if (instruction.isEmpty()) {
                    continue;
                }
                String[] parts = instruction.split("\\s+", 2);
                result.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""});
            }
            return result;
        }

        private static List<String> args(List<String[]> instructions, String keyword) {
            return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
        }

        // ------------------------------------------------------------ helpers

        private static JsonNode read(Path file) {
            try {
                return YAML.readTree(file.toFile());
            } catch (IOException e) {
                throw new AssertionError(file + " does not parse as YAML: " + e.getMessage(), e);
            }
        }

        private static String text(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file, e);
            }
        }

        private static Map<String, String> labels(JsonNode node) {
            Map<String, String> labels = new LinkedHashMap<>();
            node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            return labels;
        }

        private static List<String> names(JsonNode node) {
            List<String> names = new ArrayList<>();
            node.properties().forEach(e -> names.add(e.getKey()));
            return names;
        }

        private static String join(JsonNode array) {
            List<String> parts = new ArrayList<>();
            array.forEach(p -> parts.add(p.asText()));
            return String.join(" ", parts);
        }

        private interface FieldVisitor {
            void visit(String field, JsonNode value);
        }

        private static void walk(JsonNode node, FieldVisitor visitor) {
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    visitor.visit(e.getKey(), e.getValue());
                    walk(e.getValue(), visitor);
                }
            } else if (node.isArray()) {
                node.forEach(child -> walk(child, visitor));
            }
        }
    }

    /**
     * A duration as both SmallRye Config and compose write it: {@code 30s}, {@code 1m30s}, {@code 500ms},
     * {@code 2h}, ISO-8601 ({@code PT30S}), or a bare number of seconds.
     */
    static Duration duration(String text) {
        String t = text.strip();
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        if (t.toUpperCase().startsWith("P")) {
            return Duration.parse(t.toUpperCase());
        }
        Matcher m = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != t.length() || end == 0) {
            throw new AssertionError("not a duration: " + text);
        }
        return total;
    }

    @Test
    void durationsReadAsTheToolsReadThem() {
        assertThat(duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(duration("PT45S")).isEqualTo(Duration.ofSeconds(45));
        assertThat(duration("20")).isEqualTo(Duration.ofSeconds(20));
        assertThat(duration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> duration("soon")).isInstanceOf(AssertionError.class);
    }
}
