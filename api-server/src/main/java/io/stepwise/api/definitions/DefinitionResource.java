package io.stepwise.api.definitions;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.stepwise.core.packs.PackScanner;
import io.stepwise.api.error.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/** Definitions and resync (API.md, "Definitions"). Parses, authorises, maps; the services decide. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class DefinitionResource {
    static final String[] YAML = {"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.APPLICATION_JSON};

    private final DefinitionService definitions;
    private final ResyncService resync;

    public DefinitionResource(DefinitionService definitions, ResyncService resync) {
        this.definitions = definitions;
        this.resync = resync;
    }

    @GET
    @Path("/workflows")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "listWorkflows", summary = "List workflows",
            description = "Every definition that matches the filters, in ref order, one page at a time.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "200", description = "A page of workflows")
    @APIResponse(responseCode = "400", description = "A filter, limit or cursor is not valid")
    public DefinitionViews.Page<DefinitionViews.Summary> list(@QueryParam("pack") String pack, @QueryParam("tag") String tag,
                                                              @QueryParam("status") String status, @QueryParam("q") String q,
                                                              @QueryParam("limit") Integer limit,
                                                              @QueryParam("cursor") String cursor) {
        if (status != null && !status.isBlank() && !List.of("ACTIVE", "ARCHIVED").contains(status.toUpperCase())) {
            throw new ApiException.BadRequest("status must be ACTIVE or ARCHIVED, not '" + status + "'");
        }
        return definitions.page(pack, tag, status, q, limit, cursor);
    }

    @GET
    @Path("/workflows/{ref}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "getWorkflow", summary = "Get a workflow",
            description = "The definition with its current version: inputs, triggers, the canonical definition and its YAML; a file that does not load shows its errors and text.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "200", description = "The workflow")
    @APIResponse(responseCode = "400", description = "Not a workflow ref (<pack>.<name>)")
    @APIResponse(responseCode = "404", description = "No workflow with this ref")
    public DefinitionViews.Detail get(@PathParam("ref") String ref) {
        checkRef(ref);
        return definitions.get(ref).orElseThrow(() -> new ApiException.NotFound("no workflow " + ref));
    }

    @GET
    @Path("/workflows/{ref}/versions")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "listWorkflowVersions", summary = "List versions of a workflow",
            description = "Every version, oldest first; versions are immutable.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "200", description = "The versions")
    @APIResponse(responseCode = "400", description = "Not a workflow ref")
    @APIResponse(responseCode = "404", description = "No workflow with this ref")
    public DefinitionViews.Page<DefinitionViews.Version> versions(@PathParam("ref") String ref) {
        checkRef(ref);
        return DefinitionViews.Page.of(definitions.versions(ref)
                .orElseThrow(() -> new ApiException.NotFound("no workflow " + ref)));
    }

    @POST
    @Path("/workflows")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "createWorkflow", summary = "Create a workflow from YAML",
            description = "Creates an API-managed definition in the pack given by ?pack= from a YAML body. Nothing is stored when it is not valid.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "201", description = "Created; Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DefinitionViews.Detail.class)))
    @APIResponse(responseCode = "400", description = "The YAML is not valid (errors lists each violation with its line and column) or ?pack= is missing")
    @APIResponse(responseCode = "409", description = "A workflow with this ref exists already")
    public Response create(@QueryParam("pack") String pack, byte[] yaml) {
        if (pack == null || pack.isBlank()) {
            throw new ApiException.BadRequest("the query parameter 'pack' is required",
                    List.of(io.stepwise.api.error.Problem.Error.ofField("pack", "required")));
        }
        checkPack(pack);
        DefinitionViews.Detail created = definitions.create(pack, yaml);
        return Response.created(URI.create("/api/v1/workflows/" + created.ref())).entity(created).build();
    }

    @PUT
    @Path("/workflows/{ref}")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "updateWorkflow", summary = "Publish a new version",
            description = "A new current version from a YAML body; the same content keeps the current version. Runs in flight keep theirs.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "200", description = "The workflow with its current version")
    @APIResponse(responseCode = "400", description = "The YAML is not valid")
    @APIResponse(responseCode = "404", description = "No workflow with this ref")
    @APIResponse(responseCode = "409", description = "The ref is managed by a pack file")
    public DefinitionViews.Detail update(@PathParam("ref") String ref, byte[] yaml) {
        checkRef(ref);
        return definitions.update(ref, yaml);
    }

    @DELETE
    @Path("/workflows/{ref}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "archiveWorkflow", summary = "Archive a workflow",
            description = "Runs in flight finish; new launches get 409. The record and its versions stay.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "204", description = "Archived")
    @APIResponse(responseCode = "400", description = "Not a workflow ref")
    @APIResponse(responseCode = "404", description = "No workflow with this ref")
    @APIResponse(responseCode = "409", description = "The ref is managed by a pack file")
    public Response archive(@PathParam("ref") String ref) {
        checkRef(ref);
        definitions.archive(ref);
        return Response.noContent().build();
    }

    @POST
    @Path("/workflows/validate")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "validateWorkflow", summary = "Validate YAML without storing it",
            description = "Checks a YAML body with the reader resync uses and answers every violation; stores nothing.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "200", description = "Whether it is valid, and its violations")
    public DefinitionViews.ValidationResult validate(byte[] yaml) {
        return definitions.validate(yaml);
    }

    @POST
    @Path("/workflows/resync")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "resyncWorkflows", summary = "Resync the packs",
            description = "Rescans the packs root and brings the database in line; ?dryRun=true answers the same report and writes nothing.")
    @Tag(name = "Workflows")
    @APIResponse(responseCode = "200", description = "What changed (or would)")
    @APIResponse(responseCode = "503", description = "The packs root cannot be read")
    public ResyncReport resync(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        return resync.resync(dryRun);
    }

    @GET
    @Path("/packs")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "listPacks", summary = "List packs",
            description = "Every pack with its workflow count and, from its pack.yaml, its description and tags.")
    @Tag(name = "Packs")
    @APIResponse(responseCode = "200", description = "The packs")
    public DefinitionViews.Page<DefinitionViews.Pack> packs() {
        return DefinitionViews.Page.of(definitions.packs());
    }

    @GET
    @Path("/packs/{pack}/workflows")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "listPackWorkflows", summary = "List a pack's workflows",
            description = "The pack's definitions, in ref order.")
    @Tag(name = "Packs")
    @APIResponse(responseCode = "200", description = "The workflows")
    @APIResponse(responseCode = "400", description = "Not a pack name")
    @APIResponse(responseCode = "404", description = "No pack with this name")
    public DefinitionViews.Page<DefinitionViews.Summary> packWorkflows(@PathParam("pack") String pack) {
        checkPack(pack);
        List<DefinitionViews.Summary> found = definitions.list(pack, null, null, null);
        if (found.isEmpty()) {
            throw new ApiException.NotFound("no pack " + pack);
        }
        return DefinitionViews.Page.of(found);
    }

    /** A ref is {@code <pack>.<name>}; anything that could name a path outside the packs root is refused. */
    static void checkRef(String ref) {
        int dot = ref.indexOf('.');
        if (dot < 0 || !PackScanner.isSafeName(ref.substring(0, dot)) || !PackScanner.isSafeName(ref.substring(dot + 1))) {
            throw new ApiException.BadRequest("'" + ref + "' is not a workflow ref: write <pack>.<name>, each "
                    + "[a-z][a-z0-9-]{0,62}");
        }
    }

    static void checkPack(String pack) {
        if (!PackScanner.isSafeName(pack)) {
            throw new ApiException.BadRequest("'" + pack + "' is not a pack name: [a-z][a-z0-9-]{0,62}");
        }
    }
}
