package io.stepwise.api.runs;

import io.quarkus.security.identity.SecurityIdentity;
import io.stepwise.api.definitions.DefinitionViews;
import io.stepwise.api.definitions.Roles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.OptionalJsonBody;
import io.stepwise.api.error.Problem;
import io.stepwise.core.runtime.EventSignal;
import io.smallrye.common.annotation.Blocking;
import io.stepwise.core.runtime.RunStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runs (API.md, "Runs"): launch, list, read, signal, cancel, resume, replay. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    private final RunLauncher launcher;
    private final RunResumer resumer;
    private final RunSignaler signaler;
    private final RunCanceler canceler;
    private final RunQueries queries;
    private final RunStats stats;
    private final ObjectMapper json;
    private final SecurityIdentity identity;
    private final RunWatch watch;

    public RunResource(RunLauncher launcher, RunResumer resumer, RunSignaler signaler, RunCanceler canceler,
                       RunQueries queries, RunStats stats, ObjectMapper json, SecurityIdentity identity,
                       RunWatch watch) {
        this.watch = watch;
        this.stats = stats;
        this.json = json;
        this.launcher = launcher;
        this.resumer = resumer;
        this.signaler = signaler;
        this.canceler = canceler;
        this.queries = queries;
        this.identity = identity;
    }

    @POST
    @Path("/workflows/{ref}/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    public CompletionStage<Response> launch(@PathParam("ref") String ref,
                                            @HeaderParam("Idempotency-Key") String idempotencyKey,
                                            @QueryParam("wait") String wait, RunViews.LaunchRequest request) {
        Duration within = WaitParam.parse(wait);
        RequestChecks.start().key("Idempotency-Key", idempotencyKey)
                .key("executionKey", request == null ? null : request.executionKey())
                .inputs("inputs", request == null ? null : request.inputs()).orThrow();
        String key = idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey
                : request == null ? null : request.executionKey();
        RunLauncher.Launched launched = launcher.launch(ref, request == null ? null : request.inputs(), key,
                identity.getPrincipal().getName());
        CompletionStage<?> finished = within.isZero() ? CompletableFuture.completedFuture(null)
                : watch.until(launched.runId(), RunStatus::terminal, within);
        URI location = URI.create("/api/v1/runs/" + launched.runId());
        // made here: the builder resolves the location against this request, which a later thread can't see
        Response.ResponseBuilder answer = launched.created() ? Response.created(location) : Response.ok().location(location);
        return finished.thenApply(ignored -> answer.entity(queries.get(launched.runId()).orElseThrow()).build());
    }

    @GET
    @Path("/runs")
    @RolesAllowed(Roles.VIEWER)
    public DefinitionViews.Page<RunViews.Summary> list(@QueryParam("workflow") String workflow,
                                                       @QueryParam("status") String status,
                                                       @QueryParam("stuck") Boolean stuck,
                                                       @QueryParam("limit") Integer limit,
                                                       @QueryParam("cursor") String cursor) {
        return queries.list(workflow, status, stuck, limit, cursor);
    }

    @GET
    @Path("/runs/stats")
    @RolesAllowed(Roles.VIEWER)
    public RunStats.Stats stats() {
        return stats.now();
    }

    @GET
    @Path("/runs/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Blocking
    public CompletionStage<RunViews.Run> get(@PathParam("id") String id, @QueryParam("wait") String wait,
                                             @QueryParam("from") String from) {
        UUID run = runId(id);
        Duration within = WaitParam.parse(wait);
        if (within.isZero()) {
            return CompletableFuture.completedFuture(document(run, id));
        }
        RunStatus seen = from != null && !from.isBlank() ? RunQueries.parseStatus("from", from)
                : queries.status(run).orElseThrow(() -> new ApiException.NotFound("no run " + id));
        return watch.until(run, status -> status != seen || status.terminal(), within)
                .thenApply(ignored -> document(run, id));
    }

    private RunViews.Run document(UUID run, String id) {
        return queries.get(run).orElseThrow(() -> new ApiException.NotFound("no run " + id));
    }

    @POST
    @Path("/runs/{id}/signals")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response signal(@PathParam("id") String id, RunViews.SignalRequest request) {
        if (request == null || request.event() == null || request.event().isBlank()) {
            throw new ApiException.BadRequest("'event' is required", List.of(Problem.Error.ofField("event", "required")));
        }
        RequestChecks.start().text("event", request.event()).key("correlationKey", request.correlationKey())
                .payload("payload", request.payload()).orThrow();
        signaler.signal(runId(id), new EventSignal(request.event(), request.correlationKey(), request.payload()),
                identity.getPrincipal().getName());
        return Response.accepted().build();
    }

    /**
     * Resume (docs/runs.md): on the run's own version, or with {@code {"version": "current"}} on the
     * workflow's current one; {@code ?dryRun=true} answers the plan and changes nothing.
     */
    @POST
    @Path("/runs/{id}/resume")
    @RolesAllowed(Roles.OPERATOR)
    public Response resume(@PathParam("id") String id, @QueryParam("dryRun") boolean dryRun,
                           @HeaderParam("Content-Type") String contentType, String body)
            throws JsonProcessingException {
        UUID run = runId(id);
        RunViews.ResumeRequest request = OptionalJsonBody.read(json, contentType, body, RunViews.ResumeRequest.class);
        RunLauncher.Version onto = request == null || request.version() == null ? RunLauncher.Version.ORIGINAL
                : version(request.version());
        ResumePlan plan = resumer.resume(run, onto, dryRun, identity.getPrincipal().getName());
        return Response.ok(dryRun ? plan : queries.get(run).orElseThrow()).build();
    }

    @POST
    @Path("/runs/{id}/replay")
    @RolesAllowed(Roles.OPERATOR)
    public Response replay(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, String body)
            throws JsonProcessingException {
        RunViews.ReplayRequest request = OptionalJsonBody.read(json, contentType, body, RunViews.ReplayRequest.class);
        RequestChecks.start().inputs("inputs", request == null ? null : request.inputs()).orThrow();
        RunLauncher.Launched launched = launcher.replay(runId(id), request == null ? null : request.inputs(),
                version(request == null ? null : request.version()), identity.getPrincipal().getName());
        RunViews.Run run = queries.get(launched.runId()).orElseThrow();
        return Response.created(URI.create("/api/v1/runs/" + run.id())).entity(run).build();
    }

    @POST
    @Path("/runs/{id}/cancel")
    @RolesAllowed(Roles.OPERATOR)
    public Response cancel(@PathParam("id") String id) {
        canceler.cancel(runId(id), identity.getPrincipal().getName());
        return Response.accepted().build();
    }

    private static RunLauncher.Version version(String version) {
        if (version == null || version.equals("current")) {
            return RunLauncher.Version.CURRENT;
        }
        if (version.equals("original")) {
            return RunLauncher.Version.ORIGINAL;
        }
        throw new ApiException.BadRequest("version must be 'current' or 'original', not '" + version + "'",
                List.of(Problem.Error.ofField("version", "'current' or 'original'")));
    }

    private static UUID runId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException.NotFound("no run " + id);
        }
    }
}
