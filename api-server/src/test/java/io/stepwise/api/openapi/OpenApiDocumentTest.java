package io.stepwise.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepwise.api.testing.StepwiseTestResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document users generate clients from: docs/openapi.yaml is the one the server
 * serves (so an API change shows in review as a change to that file), and every operation says
 * what it is and what it answers.
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {
    private static final Path COMMITTED = Path.of("../docs/openapi.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String served() {
        return given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
    }

    @Test
    void theCommittedDocumentIsTheServedOne() throws Exception {
        String served = served();
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        if (!committed.equals(served)) {
            // the build writes it, so the change is there to review and commit
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
        }
        assertThat(committed).as("docs/openapi.yaml differed from the served document; the build has rewritten it:"
                + " review the change and commit it").isEqualTo(served);
    }

    @Test
    void everyOperationIsNamedSummarizedTaggedAndItsErrorsAreProblems() throws Exception {
        JsonNode doc = YAML.readTree(served());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(doc.path("servers").path(0).path("url").asText()).isEqualTo("http://127.0.0.1:8080");
        assertThat(doc.path("components").path("schemas").has("Problem")).isTrue();
        Set<String> ids = new HashSet<>();
        List<String> operations = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String where = op.getKey().toUpperCase() + " " + path.getKey();
            JsonNode o = op.getValue();
            operations.add(where);
            assertThat(o.path("operationId").asText()).as("operationId of %s", where).isNotBlank();
            assertThat(ids.add(o.path("operationId").asText())).as("operationId of %s is unique", where).isTrue();
            assertThat(o.path("summary").asText()).as("summary of %s", where).isNotBlank();
            assertThat(o.path("tags")).as("tags of %s", where).isNotEmpty();
            o.path("responses").fields().forEachRemaining(r -> {
                if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                    assertThat(r.getValue().path("content").path("application/problem+json").path("schema")
                            .path("$ref").asText()).as("%s %s", where, r.getKey()).isEqualTo("#/components/schemas/Problem");
                }
            });
        }));
        assertThat(operations).hasSizeGreaterThanOrEqualTo(24);
        JsonNode launch = doc.path("paths").path("/api/v1/workflows/{ref}/runs").path("post");
        assertThat(launch.path("operationId").asText()).isEqualTo("launchRun");
        assertThat(launch.path("responses").fieldNames()).toIterable()
                .contains("200", "201", "400", "401", "403", "404", "409", "413", "415", "429", "503");
        assertThat(launch.path("parameters").findValuesAsText("name")).contains("Idempotency-Key", "wait");
        assertThat(doc.path("paths").path("/api/v1/runs/{id}/cancel").path("post").path("responses").fieldNames())
                .toIterable().contains("202", "404", "409");
    }
}
