package io.stepwise.api.schema;

import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.dsl.WorkflowSchema;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * The JSON Schema of {@code stepwise/v1} for editors (docs/dsl-reference.md, "Editor support"),
 * generated once from the actions this server loads definitions with, plug-ins included. Public: it
 * describes the language, nothing stored, and an editor fetches it without a token.
 */
@Path("/api/v1/schema")
@Singleton
public class SchemaResource {
    public static final String SCHEMA_JSON = "application/schema+json";

    private final String workflowSchema;

    public SchemaResource(WorkflowParser parser) {
        this.workflowSchema = WorkflowSchema.render(parser.actions());
    }

    @GET
    @Path("/workflow.json")
    // application/json too: some editors and fetch libraries ask for nothing else
    @Produces({SCHEMA_JSON, jakarta.ws.rs.core.MediaType.APPLICATION_JSON})
    @PermitAll
    @Operation(operationId = "getWorkflowSchema", summary = "Get the JSON Schema of stepwise/v1",
            description = "The JSON Schema (draft 2020-12) of workflow files, with the actions this server loads; for editors. No token needed.")
    @Tag(name = "Schema")
    @APIResponse(responseCode = "200", description = "The schema", content = {
            @Content(mediaType = SCHEMA_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)),
            @Content(mediaType = jakarta.ws.rs.core.MediaType.APPLICATION_JSON,
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT))})
    @APIResponse(responseCode = "406", description = "The Accept header names neither application/schema+json nor application/json")
    public String workflow() {
        return workflowSchema;
    }
}
