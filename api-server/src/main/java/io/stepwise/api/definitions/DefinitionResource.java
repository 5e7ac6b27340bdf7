package io.stepwise.api.definitions;

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
    public DefinitionViews.Detail get(@PathParam("ref") String ref) {
        checkRef(ref);
        return definitions.get(ref).orElseThrow(() -> new ApiException.NotFound("no workflow " + ref));
    }

    @GET
    @Path("/workflows/{ref}/versions")
    @RolesAllowed(Roles.VIEWER)
    public DefinitionViews.Page<DefinitionViews.Version> versions(@PathParam("ref") String ref) {
        checkRef(ref);
        return DefinitionViews.Page.of(definitions.versions(ref)
                .orElseThrow(() -> new ApiException.NotFound("no workflow " + ref)));
    }

    @POST
    @Path("/workflows")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
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
    public DefinitionViews.Detail update(@PathParam("ref") String ref, byte[] yaml) {
        checkRef(ref);
        return definitions.update(ref, yaml);
    }

    @DELETE
    @Path("/workflows/{ref}")
    @RolesAllowed(Roles.ADMIN)
    public Response archive(@PathParam("ref") String ref) {
        checkRef(ref);
        definitions.archive(ref);
        return Response.noContent().build();
    }

    @POST
    @Path("/workflows/validate")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
    public DefinitionViews.ValidationResult validate(byte[] yaml) {
        return definitions.validate(yaml);
    }

    @POST
    @Path("/workflows/resync")
    @RolesAllowed(Roles.ADMIN)
    public ResyncReport resync(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        return resync.resync(dryRun);
    }

    @GET
    @Path("/packs")
    @RolesAllowed(Roles.VIEWER)
    public DefinitionViews.Page<DefinitionViews.Pack> packs() {
        return DefinitionViews.Page.of(definitions.packs());
    }

    @GET
    @Path("/packs/{pack}/workflows")
    @RolesAllowed(Roles.VIEWER)
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
