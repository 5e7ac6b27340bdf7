package io.stepwise.api.definitions;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Every rule of API.md's "Resync", through the HTTP API over a real packs root and database. */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class ResyncApiTest {
    private static final String ADMIN = TestTokensHolder.ADMIN;

    /** Tokens are minted lazily: the key exists only once the test resource started. */
    static final class TestTokensHolder {
        static final String ADMIN = "stepwise.admin";
    }

    private static ValidatableResponse resync(boolean dryRun) {
        return given().auth().oauth2(TestTokens.as(ADMIN)).queryParam("dryRun", dryRun)
                .post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private static ValidatableResponse workflow(String ref) {
        return given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/workflows/" + ref).then();
    }

    @Test
    void newFileGetsVersionOneAndTheSameContentAgainWritesNothing() {
        TestPacks.write("alpha", "greet.yaml", TestPacks.workflow("greet", "v1"));

        resync(false).body("workflows.new.ref", hasItem("alpha.greet"));
        String updatedAt = workflow("alpha.greet").statusCode(200)
                .body("currentVersion.seq", equalTo(1))
                .body("status", equalTo("ACTIVE"))
                .body("source", equalTo("FILE"))
                .body("fileExists", equalTo(true))
                .body("inputs.who.default", equalTo("world"))
                .body("yaml", notNullValue())
                .extract().path("updatedAt");

        TestPacks.write("alpha", "greet.yaml", "# only a comment is new\n" + TestPacks.workflow("greet", "v1"));
        resync(false).body("workflows.unchanged", hasItem("alpha.greet"));

        workflow("alpha.greet").body("updatedAt", equalTo(updatedAt)).body("currentVersion.seq", equalTo(1));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/workflows/alpha.greet/versions")
                .then().statusCode(200).body("items.size()", equalTo(1));
    }

    @Test
    void changedContentBecomesANewCurrentVersionAndOldVersionsStay() {
        TestPacks.write("beta", "change.yaml", TestPacks.workflow("change", "v1"));
        resync(false);
        TestPacks.write("beta", "change.yaml", TestPacks.workflow("change", "v2"));

        resync(false).body("workflows.updated.find { it.ref == 'beta.change' }.fromSeq", equalTo(1))
                .body("workflows.updated.find { it.ref == 'beta.change' }.toSeq", equalTo(2));

        workflow("beta.change").body("currentVersion.seq", equalTo(2)).body("version", equalTo("v2"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/workflows/beta.change/versions")
                .then().statusCode(200).body("items.seq", equalTo(List.of(1, 2)));
    }

    @Test
    void goneFileIsArchivedWithItsRecordAndAReturningFileIsUnarchived() {
        TestPacks.write("gamma", "gone.yaml", TestPacks.workflow("gone", "v1"));
        resync(false);
        TestPacks.delete("gamma", "gone.yaml");

        resync(false).body("workflows.archived.ref", hasItem("gamma.gone"));
        workflow("gamma.gone").statusCode(200).body("status", equalTo("ARCHIVED")).body("fileExists", equalTo(false))
                .body("currentVersion.seq", equalTo(1));

        TestPacks.write("gamma", "gone.yaml", TestPacks.workflow("gone", "v1"));
        resync(false).body("workflows.restored.ref", hasItem("gamma.gone"));
        workflow("gamma.gone").body("status", equalTo("ACTIVE")).body("fileExists", equalTo(true))
                .body("currentVersion.seq", equalTo(1));
    }

    @Test
    void brokenFileKeepsTheLastGoodVersionAndAFixClearsTheError() {
        TestPacks.write("delta", "fragile.yaml", TestPacks.workflow("fragile", "v1"));
        resync(false);
        TestPacks.write("delta", "fragile.yaml", TestPacks.workflow("fragile", "v2").replace("uses: log", "uses: nope"));

        resync(false).body("workflows.errors.find { it.ref == 'delta.fragile' }.file", equalTo("delta/workflows/fragile.yaml"))
                .body("workflows.errors.find { it.ref == 'delta.fragile' }.loadErrors[0].path", equalTo("steps[0].uses"))
                .body("workflows.errors.find { it.ref == 'delta.fragile' }.loadErrors[0].line", equalTo(10));
        workflow("delta.fragile").body("currentVersion.seq", equalTo(1)).body("loadError", notNullValue())
                .body("loadErrors[0].message", equalTo("unknown action 'nope'; known: event.wait, fail, http.request, log, noop, time.wait, transform"))
                // the file's own text, whose line 10 the error points at, beside the current version's YAML
                .body("failedSource.readLines()[9]", equalTo("    uses: nope"))
                .body("yaml", org.hamcrest.Matchers.containsString("uses: log"));

        TestPacks.write("delta", "fragile.yaml", TestPacks.workflow("fragile", "v2"));
        resync(false);
        workflow("delta.fragile").body("currentVersion.seq", equalTo(2)).body("loadError", nullValue())
                .body("failedSource", nullValue());
    }

    private static ValidatableResponse packs() {
        return given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/packs").then().statusCode(200);
    }

    @Test
    void packYamlGivesThePackADescriptionAndItsWorkflowsDefaultTags() {
        TestPacks.write("kappa", "notify.yaml", TestPacks.workflow("notify", "v1"));
        TestPacks.manifest("kappa", "description: Notifications for the on-call team\ntags: [oncall, test]\n");

        resync(false).body("packErrors", org.hamcrest.Matchers.empty());

        packs().body("items.find { it.name == 'kappa' }.description", equalTo("Notifications for the on-call team"))
                .body("items.find { it.name == 'kappa' }.tags", equalTo(List.of("oncall", "test")))
                .body("items.find { it.name == 'kappa' }.workflows", equalTo(1));
        // the pack's tags first, then the workflow's own (test), each once
        workflow("kappa.notify").body("tags", equalTo(List.of("oncall", "test")));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("tag", "oncall").get("/api/v1/workflows")
                .then().statusCode(200).body("items.ref", equalTo(List.of("kappa.notify")));

        // a pack.yaml that does not load: named with its line, the last good description and tags stay
        TestPacks.manifest("kappa", "description: Notifications\ntagz: [pager]\n");
        resync(false).body("packErrors[0].pack", equalTo("kappa"))
                .body("packErrors[0].file", equalTo("kappa/pack.yaml"))
                .body("packErrors[0].loadErrors[0].line", equalTo(2))
                .body("packErrors[0].loadErrors[0].message", equalTo("unknown field 'tagz'; did you mean 'tags'?"));
        packs().body("items.find { it.name == 'kappa' }.description", equalTo("Notifications for the on-call team"))
                .body("items.find { it.name == 'kappa' }.loadError", org.hamcrest.Matchers.startsWith("tagz (line 2"));
        workflow("kappa.notify").body("tags", equalTo(List.of("oncall", "test")));

        // no pack.yaml: no description, only the workflow's own tags
        TestPacks.manifest("kappa", null);
        resync(false);
        packs().body("items.find { it.name == 'kappa' }.description", nullValue())
                .body("items.find { it.name == 'kappa' }.tags", org.hamcrest.Matchers.empty());
        workflow("kappa.notify").body("tags", equalTo(List.of("test")));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("tag", "oncall").get("/api/v1/workflows")
                .then().statusCode(200).body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void newBrokenFileIsListedActiveWithoutAVersion() {
        TestPacks.write("epsilon", "never.yaml", "apiVersion: stepwise/v1\nkind: Workflow\nname: never\nsteps: []\n");

        resync(false).body("summary.errors", org.hamcrest.Matchers.greaterThanOrEqualTo(1));

        workflow("epsilon.never").statusCode(200).body("status", equalTo("ACTIVE"))
                .body("currentVersion", nullValue()).body("loadErrors[0].path", equalTo("steps"));
    }

    @Test
    void dryRunComputesTheDiffAndWritesNothing() {
        TestPacks.write("zeta", "dry.yaml", TestPacks.workflow("dry", "v1"));

        resync(true).body("dryRun", equalTo(true)).body("workflows.new.ref", hasItem("zeta.dry"));

        workflow("zeta.dry").statusCode(404);
    }

    @Test
    void twoResyncsAtOnceApplyTheNewFileOnce() {
        TestPacks.write("eta", "race.yaml", TestPacks.workflow("race", "v1"));

        CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(
                () -> resync(false).extract().path("workflows.new.ref"));
        CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(
                () -> resync(false).extract().path("workflows.new.ref"));

        long created = List.of(first.join(), second.join()).stream().filter(l -> l.contains("eta.race")).count();
        assertThat(created).as("exactly one resync created eta.race").isEqualTo(1);
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/workflows/eta.race/versions")
                .then().statusCode(200).body("items.size()", equalTo(1));
    }
}
