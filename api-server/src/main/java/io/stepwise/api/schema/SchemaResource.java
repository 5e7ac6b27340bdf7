package io.stepwise.api.schema;

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
    @Produces(SCHEMA_JSON)
    @PermitAll
    public String workflow() {
        return workflowSchema;
    }
}
