package io.stepwise.api.definitions;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Every definition endpoint of API.md's "Definitions", happy and unhappy paths, over HTTP with a
 * real database. Each test uses packs of its own ("api-..."), so the tests do not depend on order.
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class DefinitionApiTest {
    private static final String ADMIN = "stepwise.admin";
    private static final String VIEWER = "stepwise.viewer";
    private static final String YAML = "application/yaml";
    private static final String PROBLEM = "application/problem+json";

    // ---------------------------------------------------------------- helpers

    private static RequestSpecification as(String role) {
        return given().auth().oauth2(TestTokens.as(role));
    }

    private static Response create(String pack, String yaml) {
        return as(ADMIN).contentType(YAML).queryParam("pack", pack).body(bytes(yaml)).post("/api/v1/workflows");
    }

    private static Response put(String ref, String yaml) {
        return as(ADMIN).contentType(YAML).body(bytes(yaml)).put("/api/v1/workflows/" + ref);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ValidatableResponse get(String ref) {
        return as(VIEWER).get("/api/v1/workflows/" + ref).then();
    }

    private static String yaml(String name, String description, String... tags) {
        return "apiVersion: stepwise/v1\nkind: Workflow\nname: " + name + "\nversion: \"1\"\n"
                + "description: \"" + description + "\"\ntags: [" + String.join(", ", tags) + "]\n"
                + "steps:\n  - id: only\n    uses: noop\n";
    }

    @Test
    void theWorkflowListPagesInRefOrderWithAnOpaqueCursor() {
        for (String name : List.of("e", "a", "d", "b", "c")) {
            create("api-page", yaml(name, "page " + name, "paged", name.equals("b") || name.equals("d") ? "even" : "odd"))
                    .then().statusCode(201);
        }
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = as(VIEWER).queryParam("pack", "api-page").queryParam("limit", 2);
            if (cursor != null) {
                spec = spec.queryParam("cursor", cursor);
            }
            var page = spec.get("/api/v1/workflows").then().statusCode(200).extract();
            List<String> refs = page.path("items.ref");
            assertThat(refs).hasSizeLessThanOrEqualTo(2);
            seen.addAll(refs);
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("api-page.a", "api-page.b", "api-page.c", "api-page.d", "api-page.e");
        as(VIEWER).queryParam("pack", "api-page").queryParam("tag", "odd").queryParam("limit", 2).get("/api/v1/workflows")
                .then().statusCode(200).body("items.ref", contains("api-page.a", "api-page.c"))
                .body("nextCursor", notNullValue());
        as(VIEWER).queryParam("pack", "api-page").queryParam("tag", "even").get("/api/v1/workflows")
                .then().statusCode(200).body("items.ref", contains("api-page.b", "api-page.d"))
                .body("nextCursor", nullValue());
        assertProblem(as(VIEWER).queryParam("limit", 0).get("/api/v1/workflows"), 400)
                .body("detail", containsString("limit must be from 1 to 500"));
        assertProblem(as(VIEWER).queryParam("cursor", "%%%").get("/api/v1/workflows"), 400)
                .body("detail", containsString("cursor"));
    }

    /** API.md "Errors": problem+json with status, title and detail, and never a stack trace. */
    private static ValidatableResponse assertProblem(Response response, int status) {
        String body = response.asString();
        assertThat(body).as("error body").doesNotContain("at io.").doesNotContain("Exception")
                .doesNotContain("at java.").doesNotContain("at org.");
        return response.then().statusCode(status)
                .contentType(startsWith(PROBLEM))
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    // ---------------------------------------------------------------- POST /workflows

    @Test
    void createReturns201WithLocationAndTheStoredDefinition() {
        String source = TestPacks.workflow("hello", "v1");
        Response created = create("api-create", source);

        created.then().statusCode(201)
                .header("Location", endsWith("/api/v1/workflows/api-create.hello"))
                .body("ref", equalTo("api-create.hello"))
                .body("pack", equalTo("api-create"))
                .body("name", equalTo("hello"))
                .body("version", equalTo("v1"))
                .body("tags", contains("test"))
                .body("status", equalTo("ACTIVE"))
                .body("source", equalTo("API"))
                .body("currentVersion.seq", equalTo(1))
                .body("currentVersion.hash", notNullValue())
                .body("inputs.who.default", equalTo("world"))
                .body("yaml", equalTo(source))
                .body("loadError", nullValue());

        // the Location leads to the same definition
        String location = created.header("Location");
        as(VIEWER).get(location).then().statusCode(200)
                .body("ref", equalTo("api-create.hello"))
                .body("currentVersion.hash", equalTo(created.path("currentVersion.hash")));
        as(VIEWER).get("/api/v1/workflows/api-create.hello/versions").then().statusCode(200)
                .body("items.seq", contains(1))
                .body("items[0].label", equalTo("v1"))
                .body("nextCursor", nullValue());
    }

    @Test
    void createRequiresThePackParameter() {
        assertProblem(as(ADMIN).contentType(YAML).body(bytes(TestPacks.workflow("nopack", "v1"))).post("/api/v1/workflows"), 400)
                .body("errors[0].field", equalTo("pack"));
        assertProblem(create(" ", TestPacks.workflow("nopack", "v1")), 400);

        as(VIEWER).get("/api/v1/workflows?q=nopack").then().statusCode(200).body("items", empty());
    }

    @Test
    void createRejectsAnUnsafePackName() {
        for (String pack : List.of("..", "A_B", "../etc", "api/x", "-api", "1api")) {
            assertProblem(create(pack, TestPacks.workflow("unsafe", "v1")), 400)
                    .body("detail", containsString("pack"));
        }
        as(VIEWER).get("/api/v1/workflows?q=unsafe").then().statusCode(200).body("items", empty());
    }

    @Test
    void createRejectsInvalidYamlWithPathAndLine() {
        String invalid = TestPacks.workflow("invalid", "v1").replace("uses: log", "uses: nope");

        assertProblem(create("api-invalid", invalid), 400)
                .body("errors", not(empty()))
                .body("errors[0].path", equalTo("steps[0].uses"))
                .body("errors[0].line", equalTo(10))
                .body("errors[0].column", equalTo(11))
                .body("errors[0].message", containsString("unknown action 'nope'"));

        assertProblem(as(VIEWER).get("/api/v1/workflows/api-invalid.invalid"), 404);
        assertProblem(as(VIEWER).get("/api/v1/packs/api-invalid/workflows"), 404);
    }

    @Test
    void createRejectsAnInvalidWorkflowNameWithItsPosition() {
        String badName = TestPacks.workflow("x", "v1").replace("name: x", "name: Bad_Name");

        assertProblem(create("api-badname", badName), 400)
                .body("errors[0].path", equalTo("name"))
                .body("errors[0].line", equalTo(3))
                .body("errors[0].message", containsString("[a-z][a-z0-9-]{0,62}"));

        as(VIEWER).get("/api/v1/packs/api-badname/workflows").then().statusCode(404);
    }

    @Test
    void createRejectsYamlThatDoesNotParse() {
        String broken = "apiVersion: stepwise/v1\nkind: Workflow\nname: broken\nsteps: [ { id: a, uses: log\n";

        assertProblem(create("api-unparsable", broken), 400)
                .body("errors[0].line", notNullValue())
                .body("errors[0].column", notNullValue())
                .body("errors[0].message", containsString("YAML"));

        assertProblem(as(VIEWER).get("/api/v1/workflows/api-unparsable.broken"), 404);
    }

    @Test
    void createRejectsAnEmptyBody() {
        assertProblem(as(ADMIN).contentType(YAML).queryParam("pack", "api-empty").body(new byte[0]).post("/api/v1/workflows"), 400)
                .body("errors[0].message", containsString("empty"));
        as(VIEWER).get("/api/v1/packs/api-empty/workflows").then().statusCode(404);
    }

    @Test
    void createRejectsDuplicateKeys() {
        String duplicate = TestPacks.workflow("dup", "v1") + "name: dup\n";

        assertProblem(create("api-dupkey", duplicate), 400).body("errors[0].line", notNullValue());
        as(VIEWER).get("/api/v1/workflows/api-dupkey.dup").then().statusCode(404);
    }

    @Test
    void createReturns409WhenTheRefExists() {
        create("api-conflict", TestPacks.workflow("twice", "v1")).then().statusCode(201);

        assertProblem(create("api-conflict", TestPacks.workflow("twice", "v2")), 409)
                .body("detail", containsString("api-conflict.twice"));

        // the first definition is untouched
        get("api-conflict.twice").statusCode(200).body("version", equalTo("v1")).body("currentVersion.seq", equalTo(1));
        as(VIEWER).get("/api/v1/workflows/api-conflict.twice/versions").then().body("items.size()", equalTo(1));
    }

    @Test
    void createReturns409WhenAPackFileOwnsTheRef() {
        TestPacks.write("api-owned", "owned.yaml", TestPacks.workflow("owned", "file"));
        as(ADMIN).post("/api/v1/workflows/resync").then().statusCode(200);

        assertProblem(create("api-owned", TestPacks.workflow("owned", "api")), 409);

        get("api-owned.owned").statusCode(200).body("source", equalTo("FILE")).body("version", equalTo("file"));
    }

    @Test
    void createRejectsAnUnsupportedMediaType() {
        assertProblem(as(ADMIN).contentType("application/xml").queryParam("pack", "api-media")
                .body(bytes("<workflow/>")).post("/api/v1/workflows"), 415);
        as(VIEWER).get("/api/v1/packs/api-media/workflows").then().statusCode(404);
    }

    @Test
    void createRejectsADefinitionOverTheParserLimitWithAnError() {
        // over the parser's 256 KiB, under the HTTP body limit: a 400 that says why
        String big = TestPacks.workflow("big", "v1") + "# " + "x".repeat(300 * 1024) + "\n";

        assertProblem(create("api-big", big), 400).body("errors[0].message", containsString("limit"));
        as(VIEWER).get("/api/v1/workflows/api-big.big").then().statusCode(404);
    }

    private static byte[] overOneMebibyte() {
        byte[] huge = new byte[1024 * 1024 + 1024];
        Arrays.fill(huge, (byte) ' ');
        byte[] head = bytes(TestPacks.workflow("huge", "v1"));
        System.arraycopy(head, 0, huge, 0, head.length);
        return huge;
    }

    @Test
    void createRejectsABodyOverOneMebibyteWith413() throws IOException {
        // a raw socket: the server may answer and close before the whole body is sent, and an HTTP
        // client then reports the broken pipe instead of the answer (seen under load)
        RawAnswer answer = post("/api/v1/workflows?pack=api-huge", overOneMebibyte(), false);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith(PROBLEM);
        assertThat(answer.body()).contains("limit");
        as(VIEWER).get("/api/v1/workflows/api-huge.huge").then().statusCode(404);
    }

    /** An HTTP answer read off a raw socket. */
    private record RawAnswer(int status, Map<String, String> headers, String body) {
    }

    /**
     * POSTs {@code body} with {@code Transfer-Encoding: chunked}, so the server cannot know its size
     * up front. A raw socket, because HTTP clients give up when the server answers and closes the
     * connection before the body is sent, which is what a server refusing a large body does.
     */
    private static RawAnswer postChunked(String pathAndQuery, byte[] body) throws IOException {
        return post(pathAndQuery, body, true);
    }

    /** POSTs {@code body} chunked or with its Content-Length, on a raw socket (see {@link #postChunked}). */
    private static RawAnswer post(String pathAndQuery, byte[] body, boolean chunked) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes("POST " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TestTokens.as(ADMIN) + "\r\nContent-Type: " + YAML + "\r\n"
                    + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length)
                    + "\r\nConnection: close\r\n\r\n"));
            try {
                if (!chunked) {
                    out.write(body);
                }
                for (int i = 0; chunked && i < body.length; i += 8192) {
                    int n = Math.min(8192, body.length - i);
                    out.write(bytes(Integer.toHexString(n) + "\r\n"));
                    out.write(body, i, n);
                    out.write(bytes("\r\n"));
                }
                if (chunked) {
                    out.write(bytes("0\r\n\r\n"));
                }
                out.flush();
            } catch (IOException closedEarly) {
                // the server answered and closed before reading everything; its answer is still there
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            String[] head = answer.substring(0, split).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(), head[i].substring(colon + 1).trim());
            }
            return new RawAnswer(Integer.parseInt(head[0].split(" ")[1]), headers, answer.substring(split + 4));
        }
    }

    @Test
    void createRejectsAChunkedBodyOverOneMebibyteWith413() throws IOException {
        RawAnswer answer = postChunked("/api/v1/workflows?pack=api-huge-chunked", overOneMebibyte());

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).doesNotContain("at io.").doesNotContain("Exception");
        as(VIEWER).get("/api/v1/workflows/api-huge-chunked.huge").then().statusCode(404);
    }

    @Test
    @Disabled("bug: a chunked body over the limit gets Quarkus' bare 413 (empty body, no problem+json): RESTEasy "
            + "Reactive's VertxInputStream ends the response itself while reading, before any exception mapper runs")
    void createAnswersAChunkedBodyOverOneMebibyteInProblemJson() throws IOException {
        RawAnswer answer = postChunked("/api/v1/workflows?pack=api-huge-chunked", overOneMebibyte());

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith(PROBLEM);
        assertThat(answer.body()).contains("\"status\":413");
    }

    @Test
    void createAcceptsAChunkedBodyUnderTheLimit() throws IOException {
        RawAnswer answer = postChunked("/api/v1/workflows?pack=api-chunked", bytes(TestPacks.workflow("streamed", "v1")));

        assertThat(answer.status()).isEqualTo(201);
        get("api-chunked.streamed").statusCode(200).body("currentVersion.seq", equalTo(1));
    }

    // ---------------------------------------------------------------- PUT /workflows/{ref}

    @Test
    void updateWithNewContentMakesANewCurrentVersion() {
        create("api-update", TestPacks.workflow("evolve", "v1")).then().statusCode(201);
        String v2 = TestPacks.workflow("evolve", "v2");

        put("api-update.evolve", v2).then().statusCode(200)
                .body("ref", equalTo("api-update.evolve"))
                .body("version", equalTo("v2"))
                .body("currentVersion.seq", equalTo(2))
                .body("yaml", equalTo(v2));

        get("api-update.evolve").body("currentVersion.seq", equalTo(2)).body("version", equalTo("v2"));
        as(VIEWER).get("/api/v1/workflows/api-update.evolve/versions").then().statusCode(200)
                .body("items.seq", contains(1, 2))
                .body("items.label", contains("v1", "v2"));
    }

    @Test
    void updateWithTheSameContentKeepsTheVersion() {
        String v1 = TestPacks.workflow("steady", "v1");
        String hash = create("api-same", v1).then().statusCode(201).extract().path("currentVersion.hash");

        put("api-same.steady", v1).then().statusCode(200)
                .body("currentVersion.seq", equalTo(1))
                .body("currentVersion.hash", equalTo(hash));
        // comments and formatting are not content
        put("api-same.steady", "# reformatted\n" + v1).then().statusCode(200).body("currentVersion.seq", equalTo(1));

        as(VIEWER).get("/api/v1/workflows/api-same.steady/versions").then().body("items.size()", equalTo(1));
    }

    @Test
    void updateOfAPackFileManagedRefIs409() {
        TestPacks.write("api-filemanaged", "managed.yaml", TestPacks.workflow("managed", "file"));
        as(ADMIN).post("/api/v1/workflows/resync").then().statusCode(200);

        assertProblem(put("api-filemanaged.managed", TestPacks.workflow("managed", "api")), 409)
                .body("detail", containsString("api-filemanaged/workflows/managed.yaml"));

        get("api-filemanaged.managed").body("version", equalTo("file")).body("currentVersion.seq", equalTo(1));
    }

    @Test
    void updateOfAnUnknownRefIs404() {
        assertProblem(put("api-update.nobody", TestPacks.workflow("nobody", "v1")), 404);
        as(VIEWER).get("/api/v1/workflows/api-update.nobody").then().statusCode(404);
    }

    @Test
    void updateWhoseNameDiffersFromTheRefIs400() {
        create("api-rename", TestPacks.workflow("original", "v1")).then().statusCode(201);

        assertProblem(put("api-rename.original", TestPacks.workflow("renamed", "v2")), 400)
                .body("errors[0].path", equalTo("name"))
                .body("detail", containsString("original"));

        get("api-rename.original").body("currentVersion.seq", equalTo(1)).body("version", equalTo("v1"));
        as(VIEWER).get("/api/v1/workflows/api-rename.renamed").then().statusCode(404);
    }

    @Test
    void updateWithAnInvalidDefinitionKeepsTheCurrentVersion() {
        create("api-badput", TestPacks.workflow("kept", "v1")).then().statusCode(201);

        assertProblem(put("api-badput.kept", TestPacks.workflow("kept", "v2").replace("uses: log", "uses: nope")), 400)
                .body("errors[0].path", equalTo("steps[0].uses"))
                .body("errors[0].line", equalTo(10));
        assertProblem(put("api-badput.kept", "steps: [\n"), 400).body("errors[0].line", notNullValue());

        get("api-badput.kept").body("currentVersion.seq", equalTo(1)).body("version", equalTo("v1"));
    }

    @Test
    void updateWithABadRefIs400() {
        assertProblem(put("nodot", TestPacks.workflow("nodot", "v1")), 400);
    }

    // ---------------------------------------------------------------- DELETE /workflows/{ref}

    @Test
    void deleteArchivesAnApiDefinitionAndKeepsItsVersions() {
        create("api-delete", TestPacks.workflow("retire", "v1")).then().statusCode(201);

        as(ADMIN).delete("/api/v1/workflows/api-delete.retire").then().statusCode(204);

        get("api-delete.retire").statusCode(200)
                .body("status", equalTo("ARCHIVED"))
                .body("currentVersion.seq", equalTo(1));
        as(VIEWER).get("/api/v1/workflows/api-delete.retire/versions").then().statusCode(200).body("items.size()", equalTo(1));
        as(VIEWER).queryParam("status", "ARCHIVED").get("/api/v1/workflows").then().statusCode(200)
                .body("items.ref", hasItem("api-delete.retire"));
        as(VIEWER).queryParam("status", "ACTIVE").get("/api/v1/workflows").then().statusCode(200)
                .body("items.ref", not(hasItem("api-delete.retire")));
    }

    @Test
    void deleteOfAPackFileManagedRefIs409() {
        TestPacks.write("api-fileheld", "held.yaml", TestPacks.workflow("held", "file"));
        as(ADMIN).post("/api/v1/workflows/resync").then().statusCode(200);

        assertProblem(as(ADMIN).delete("/api/v1/workflows/api-fileheld.held"), 409)
                .body("detail", containsString("delete the file"));

        get("api-fileheld.held").body("status", equalTo("ACTIVE")).body("fileExists", equalTo(true));
    }

    @Test
    void deleteOfAnUnknownRefIs404() {
        assertProblem(as(ADMIN).delete("/api/v1/workflows/api-delete.ghost"), 404);
    }

    @Test
    void deleteWithABadRefIs400() {
        assertProblem(as(ADMIN).delete("/api/v1/workflows/nodot"), 400);
    }

    // ---------------------------------------------------------------- GET /workflows/{ref}

    @Test
    void getOfAnUnknownRefIs404ProblemJson() {
        assertProblem(as(VIEWER).get("/api/v1/workflows/api-get.unknown"), 404)
                .body("title", equalTo("Not Found"))
                .body("detail", containsString("api-get.unknown"));
        assertProblem(as(VIEWER).get("/api/v1/workflows/api-get.unknown/versions"), 404);
    }

    @Test
    void getWithARefThatIsNotPackDotNameIs400() {
        for (String ref : List.of("nodot", "Bad_Pack.name", "pack.Bad_Name", "a..b", ".name", "pack.", "pack.a.b")) {
            assertProblem(as(VIEWER).get("/api/v1/workflows/" + ref), 400).body("detail", containsString("<pack>.<name>"));
            assertProblem(as(VIEWER).get("/api/v1/workflows/" + ref + "/versions"), 400);
        }
    }

    @Test
    void getWithADotDotRefNeverReachesAWorkflowOrAFile() {
        // ".." alone is a dot segment: the server resolves it (/api/v1/workflows/.. is /api/v1/), so no
        // workflow handler sees it; whatever answers, it is an error in problem+json, not a listing
        for (String path : List.of("/api/v1/workflows/..", "/api/v1/workflows/%2E%2E", "/api/v1/workflows/..%2F..%2Fetc")) {
            Response response = as(VIEWER).urlEncodingEnabled(false).get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertProblem(response, response.statusCode());
        }
        // ".." inside a segment reaches the resource and is refused as a ref
        for (String ref : List.of("..x", "x..", "a..b")) {
            assertProblem(as(VIEWER).get("/api/v1/workflows/" + ref), 400);
        }
    }

    @Test
    void getReturnsTheDefinitionItsInputsAndYaml() {
        String source = "apiVersion: stepwise/v1\nkind: Workflow\nname: detailed\nversion: \"3\"\n"
                + "description: \"shows everything\"\ntags: [alpha, beta]\n"
                + "inputs:\n  ticket: { type: string }\n"
                + "steps:\n  - id: only\n    uses: noop\n";
        create("api-detail", source).then().statusCode(201);

        get("api-detail.detailed").statusCode(200)
                .contentType(startsWith("application/json"))
                .body("description", equalTo("shows everything"))
                .body("tags", contains("alpha", "beta"))
                .body("inputs.ticket.type", equalTo("string"))
                .body("definition.name", equalTo("detailed"))
                .body("definition.steps[0].uses", equalTo("noop"))
                .body("yaml", equalTo(source))
                .body("fileExists", equalTo(false))
                .body("updatedAt", notNullValue());
    }

    // ---------------------------------------------------------------- POST /workflows/validate

    @Test
    void validateReportsErrorsWith200() {
        String invalid = TestPacks.workflow("checked", "v1").replace("uses: log", "uses: nope");

        as(ADMIN).contentType(YAML).body(bytes(invalid)).post("/api/v1/workflows/validate").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("valid", equalTo(false))
                .body("errors[0].path", equalTo("steps[0].uses"))
                .body("errors[0].line", equalTo(10))
                .body("errors[0].column", equalTo(11))
                .body("errors[0].message", containsString("nope"));

        as(ADMIN).contentType(YAML).body(bytes("steps: [\n")).post("/api/v1/workflows/validate").then().statusCode(200)
                .body("valid", equalTo(false))
                .body("errors[0].line", notNullValue());
    }

    @Test
    void validateAcceptsAGoodDefinitionAndStoresNothing() {
        as(ADMIN).contentType(YAML).body(bytes(TestPacks.workflow("dryrun", "v1"))).post("/api/v1/workflows/validate")
                .then().statusCode(200)
                .body("valid", equalTo(true))
                .body("errors", empty());

        as(VIEWER).queryParam("q", "dryrun").get("/api/v1/workflows").then().statusCode(200).body("items", empty());
    }

    // ---------------------------------------------------------------- GET /workflows (list)

    @Test
    void listFiltersByPackTagStatusAndQuery() {
        create("api-list", yaml("first", "Rotates the Keys", "ops", "nightly")).then().statusCode(201);
        create("api-list", yaml("second", "sends a report", "reports")).then().statusCode(201);
        create("api-list", yaml("third", "old job", "ops")).then().statusCode(201);
        create("api-list2", yaml("first", "other pack", "ops")).then().statusCode(201);
        as(ADMIN).delete("/api/v1/workflows/api-list.third").then().statusCode(204);

        as(VIEWER).queryParam("pack", "api-list").get("/api/v1/workflows").then().statusCode(200)
                .body("items.ref", contains("api-list.first", "api-list.second", "api-list.third"))
                .body("nextCursor", nullValue());
        as(VIEWER).queryParam("pack", "api-list").queryParam("tag", "ops").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list.first", "api-list.third"));
        as(VIEWER).queryParam("tag", "nightly").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list.first"));
        as(VIEWER).queryParam("pack", "api-list").queryParam("status", "ARCHIVED").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list.third"))
                .body("items.status", everyItem(equalTo("ARCHIVED")));
        as(VIEWER).queryParam("pack", "api-list").queryParam("status", "active").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list.first", "api-list.second"));
        // q: description, case-insensitively, and the ref
        as(VIEWER).queryParam("q", "rotates the KEYS").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list.first"));
        as(VIEWER).queryParam("q", "api-list2").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list2.first"));
        as(VIEWER).queryParam("pack", "api-list").queryParam("q", "second").get("/api/v1/workflows").then()
                .body("items.ref", contains("api-list.second"));
        // filters combine; nothing matching is an empty page, not an error
        as(VIEWER).queryParam("pack", "api-list2").queryParam("tag", "reports").get("/api/v1/workflows").then()
                .statusCode(200).body("items", empty()).body("nextCursor", nullValue());
    }

    @Test
    void listSummariesCarryTheDocumentedFields() {
        create("api-fields", yaml("summary", "has fields", "one")).then().statusCode(201);

        as(VIEWER).queryParam("pack", "api-fields").get("/api/v1/workflows").then().statusCode(200)
                .body("items[0].ref", equalTo("api-fields.summary"))
                .body("items[0].pack", equalTo("api-fields"))
                .body("items[0].name", equalTo("summary"))
                .body("items[0].version", equalTo("1"))
                .body("items[0].description", equalTo("has fields"))
                .body("items[0].tags", contains("one"))
                .body("items[0].status", equalTo("ACTIVE"))
                .body("items[0].source", equalTo("API"))
                .body("items[0].fileExists", equalTo(false))
                .body("items[0].currentVersion.seq", equalTo(1))
                .body("items[0].currentVersion.id", notNullValue())
                .body("items[0].currentVersion.hash", notNullValue())
                .body("items[0].updatedAt", notNullValue());
    }

    @Test
    void listQueryTreatsPercentAndUnderscoreLiterally() {
        create("api-like", yaml("plain", "nothing special", "x")).then().statusCode(201);
        create("api-like", yaml("percent", "100% done_now", "x")).then().statusCode(201);

        as(VIEWER).queryParam("pack", "api-like").queryParam("q", "%").get("/api/v1/workflows").then().statusCode(200)
                .body("items.ref", contains("api-like.percent"));
        as(VIEWER).queryParam("pack", "api-like").queryParam("q", "_").get("/api/v1/workflows").then().statusCode(200)
                .body("items.ref", contains("api-like.percent"));
        as(VIEWER).queryParam("pack", "api-like").queryParam("q", "nothing_special").get("/api/v1/workflows").then()
                .statusCode(200).body("items", empty());
        as(VIEWER).queryParam("pack", "api-like").queryParam("q", "\\").get("/api/v1/workflows").then()
                .statusCode(200).body("items", empty());
    }

    @Test
    void listWithAnUnknownStatusIs400() {
        assertProblem(as(VIEWER).queryParam("status", "DELETED").get("/api/v1/workflows"), 400)
                .body("detail", containsString("ACTIVE or ARCHIVED"));
    }

    // ---------------------------------------------------------------- packs

    @Test
    void packsListsEveryPackWithItsWorkflowCount() {
        create("api-packs", TestPacks.workflow("one", "v1")).then().statusCode(201);
        create("api-packs", TestPacks.workflow("two", "v1")).then().statusCode(201);
        create("api-packs-b", TestPacks.workflow("one", "v1")).then().statusCode(201);

        as(VIEWER).get("/api/v1/packs").then().statusCode(200)
                .body("items.find { it.name == 'api-packs' }.workflows", equalTo(2))
                .body("items.find { it.name == 'api-packs-b' }.workflows", equalTo(1))
                .body("items.size()", greaterThanOrEqualTo(2))
                .body("nextCursor", nullValue());

        as(VIEWER).get("/api/v1/packs/api-packs/workflows").then().statusCode(200)
                .body("items.ref", contains("api-packs.one", "api-packs.two"))
                .body("items.pack", everyItem(equalTo("api-packs")));
    }

    @Test
    void packWorkflowsOfAnUnknownPackIs404() {
        assertProblem(as(VIEWER).get("/api/v1/packs/api-nowhere/workflows"), 404)
                .body("detail", containsString("api-nowhere"));
    }

    @Test
    void packWorkflowsWithAnUnsafePackNameIs400() {
        assertProblem(as(VIEWER).get("/api/v1/packs/A_B/workflows"), 400);
        assertProblem(as(VIEWER).get("/api/v1/packs/..x/workflows"), 400);
        assertProblem(as(VIEWER).get("/api/v1/packs/Api/workflows"), 400);
    }
}
