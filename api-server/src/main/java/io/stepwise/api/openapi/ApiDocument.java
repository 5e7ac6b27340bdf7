package io.stepwise.api.openapi;

import io.stepwise.api.error.Problem;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * What the resources' annotations do not say once for all (docs/api-reference.md, "OpenAPI"): the
 * document's info, servers and tags; the problem+json schema on every error response; the 401 and
 * 403 of every secured operation, and its 503 (the database out of reach); a 500 everywhere; the 413
 * and 415 of every operation that reads a body; Retry-After on 429 and 503. The resources declare what is theirs: operationId, summary, success and
 * operation-specific error statuses.
 */
public class ApiDocument implements OASFilter {
    static final String PROBLEM = "#/components/schemas/Problem";

    private static final Map<String, String> TAGS = Map.of(
            "Workflows", "Definitions: list, read, create, publish versions, archive, validate, resync the packs",
            "Packs", "Pack folders and their workflows",
            "Runs", "Launch, read, wait for, signal, cancel, resume and replay runs; their audit trail",
            "Events", "Events that signal waiting runs and launch the workflows they trigger",
            "Queues", "Task queues and the workers that claim them",
            "Schema", "The JSON Schema of workflow files, for editors",
            "Codec", "Temporal's remote codec for the Temporal UI and CLI (admins)");

    /** What each query parameter and header means, once for every operation that takes it. */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("wait", "How long to wait: digits with ms, s or m (seconds when bare), at most 60s; absent or 0 answers at once"),
            Map.entry("from", "The status the caller last saw (PENDING, RUNNING, WAITING, SUCCEEDED, FAILED or CANCELED):"
                    + " the long poll answers once the run's status is another (default: its status now)"),
            Map.entry("limit", "Items per page"),
            Map.entry("cursor", "The nextCursor of the previous page"),
            Map.entry("workflow", "Only runs of this workflow ref (<pack>.<name>)"),
            Map.entry("stuck", "true: only runs that are stuck, with the reason"),
            Map.entry("pack", "A pack name"),
            Map.entry("tag", "Only workflows with this tag (their own or their pack's)"),
            Map.entry("q", "Matches ref or description, case-insensitively"),
            Map.entry("dryRun", "true: answer what would be done, and change nothing"),
            Map.entry("Idempotency-Key", "A key of your choosing, at most 256 characters: a second launch with it answers"
                    + " the run the first made (200) instead of starting another"),
            Map.entry("ref", "A workflow ref: <pack>.<name>"),
            Map.entry("id", "A run id"));

    @Override
    public void filterOpenAPI(OpenAPI api) {
        api.info(OASFactory.createInfo().title("Stepwise API").version("1")
                .description("Operators' API of Stepwise: workflow definitions kept in packs, and the runs that "
                        + "interpret them durably on Temporal. Every call but the schema needs a bearer token (RS256 JWT) "
                        + "whose groups name a role: stepwise.viewer reads, stepwise.operator also launches and acts "
                        + "on runs, stepwise.admin also changes definitions. Errors are RFC 9457 problem details.")
                .contact(OASFactory.createContact().name("Stepwise").url("https://stepwise.dev"))
                .license(OASFactory.createLicense().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0")));
        api.servers(List.of(OASFactory.createServer().url("http://127.0.0.1:8080")
                .description("the local stack ./run.sh starts")));
        api.tags(TAGS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(t -> OASFactory.createTag().name(t.getKey()).description(t.getValue())).toList());
        Map<String, Schema> components = api.getComponents().getSchemas();
        components.values().forEach(schema -> nullableWhereOptional(schema, components));
        api.getComponents().addSchema("Problem", problemSchema()).addSchema("ProblemError", problemErrorSchema());
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(this::complete));
    }

    /**
     * The bodies write absent values as {@code null} (a run not finished has {@code "finishedAt": null}):
     * every property that is not required may be null, except booleans, which always have a value.
     * A referenced schema takes null itself: OpenAPI 3.0 has no way to make one reference nullable.
     */
    private static void nullableWhereOptional(Schema schema, Map<String, Schema> components) {
        if (schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        schema.getProperties().forEach((name, property) -> {
            if (required.contains(name)) {
                return;
            }
            if (property.getRef() != null) {
                // OpenAPI 3.0 has no nullable reference: the referenced schema takes null (every
                // use of a time, a version ref or a stuck reason here is optional)
                Schema target = components.get(property.getRef().substring(property.getRef().lastIndexOf('/') + 1));
                if (target != null && target.getType() != null && !target.getType().contains(Schema.SchemaType.NULL)) {
                    target.addType(Schema.SchemaType.NULL);
                }
            } else if (property.getType() != null && !property.getType().contains(Schema.SchemaType.BOOLEAN)
                    && !property.getType().contains(Schema.SchemaType.NULL)) {
                property.addType(Schema.SchemaType.NULL);
            }
        });
    }

    private static void describeParameters(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (org.eclipse.microprofile.openapi.models.parameters.Parameter p : operation.getParameters()) {
            String text = PARAMETERS.get(p.getName());
            if (text != null && p.getDescription() == null) {
                p.setDescription(text);
            }
            Schema schema = p.getSchema();
            if (schema == null) {
                continue;
            }
            switch (p.getName()) {
                case "wait" -> schema.pattern("^[0-9]{1,9}(ms|s|m)?$");
                case "limit" -> {
                    boolean runs = "listRuns".equals(operation.getOperationId());
                    schema.minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(runs ? 200 : 500))
                            .defaultValue(runs ? 50 : 100);
                }
                case "Idempotency-Key" -> schema.maxLength(256);
                case "status" -> p.setDescription("listRuns".equals(operation.getOperationId())
                        ? "Only runs in this status: PENDING, RUNNING, WAITING, SUCCEEDED, FAILED or CANCELED (any case)"
                        : "Only workflows in this status: ACTIVE or ARCHIVED (any case)");
                default -> { }
            }
        }
    }

    private void complete(Operation operation) {
        describeParameters(operation);
        APIResponses responses = operation.getResponses();
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        if (!secured) {
            // public (the schema): say so, rather than leave it to a root default there is none of
            operation.setSecurity(new java.util.ArrayList<>());
        }
        if (secured) {
            responses.addAPIResponse("401", OASFactory.createAPIResponse()
                    .description("No bearer token, or one that fails verification"));
            responses.addAPIResponse("403", OASFactory.createAPIResponse()
                    .description("The token's role may not do this"));
        }
        if (secured) {
            // every secured operation reads or writes the database
            responses.addAPIResponse("503", responses.getAPIResponse("503") != null ? responses.getAPIResponse("503")
                    : OASFactory.createAPIResponse().description("The database (or Temporal) cannot be reached; nothing was done"));
        }
        responses.addAPIResponse("500", OASFactory.createAPIResponse()
                .description("An unexpected error; the server log has the details"));
        if (operation.getRequestBody() != null) {
            responses.addAPIResponse("413", OASFactory.createAPIResponse()
                    .description("The request body is larger than the limit (1 MiB by default)"));
            responses.addAPIResponse("415", OASFactory.createAPIResponse()
                    .description("The request body is not in a media type this operation reads"));
        }
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                asProblem(code, response);
            }
        });
    }

    private static void asProblem(String code, APIResponse response) {
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM)));
        response.content(content);
        if (code.equals("429") || code.equals("503")) {
            response.addHeader("Retry-After", OASFactory.createHeader()
                    .description("Seconds to wait before trying again")
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)).style(Header.Style.SIMPLE));
        }
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details")
                .addRequired("title").addRequired("status")
                .addProperty("type", text("A URI naming the kind of problem, when there is one"))
                .addProperty("title", text("The status's reason phrase, such as Bad Request"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                        .description("The HTTP status"))
                .addProperty("detail", text("What went wrong, written for the person who has to fix it"))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .description("Each thing wrong, when there are several or they have a place")
                        .items(OASFactory.createSchema().ref("#/components/schemas/ProblemError")))
                .example(example());
    }

    /** In a fixed order: the committed document must come out the same on every build. */
    private static Map<String, Object> example() {
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("field", "inputs.ticket");
        error.put("message", "'ticket' is required");
        Map<String, Object> problem = new java.util.LinkedHashMap<>();
        problem.put("title", "Bad Request");
        problem.put("status", 400);
        problem.put("detail", "the inputs do not validate against the workflow's input schema");
        problem.put("errors", List.of(error));
        return problem;
    }

    private static Schema problemErrorSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("One thing wrong: a request field, or a path into a definition with its line and column")
                .addRequired("message")
                .addProperty("field", text("The request field, such as inputs.ticket"))
                .addProperty("path", text("The path into the YAML, such as steps[2].with.url"))
                .addProperty("line", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("1-based line"))
                .addProperty("column", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("1-based column"))
                .addProperty("message", text("What is wrong there"));
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }
}
