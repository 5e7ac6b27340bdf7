package io.stepwise.api.runs;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
    @Operation(operationId = "launchRun", summary = "Launch a run",
            description = "Starts a run of the workflow's current version. With an Idempotency-Key (or executionKey) already used, answers the existing run with 200. With ?wait= it answers when the run ends or the wait runs out, whichever is first; the status says which.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "201", description = "Launched; Location names the run", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunViews.Run.class)))
    @APIResponse(responseCode = "200", description = "A run with this Idempotency-Key exists already: that run", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunViews.Run.class)))
    @APIResponse(responseCode = "400", description = "The inputs do not validate (errors names each), or a header or ?wait= is not valid")
    @APIResponse(responseCode = "404", description = "No workflow with this ref")
    @APIResponse(responseCode = "409", description = "The workflow is archived or has no loadable version, or the key was used with other inputs")
    @APIResponse(responseCode = "429", description = "The workflow's concurrency limit is reached; Retry-After says when to try again")
    @APIResponse(responseCode = "503", description = "Temporal cannot be reached; Retry-After says when to try again")
    public CompletionStage<Response> launch(@PathParam("ref") String ref,
                                            @HeaderParam("Idempotency-Key") String idempotencyKey,
                                            @QueryParam("wait") String wait,
                                            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                                    schema = @Schema(implementation = RunViews.LaunchRequest.class),
                                                    examples = @ExampleObject(name = "inputs", summary = "Launch with inputs",
                                                            value = "{\"inputs\": {\"ticket\": \"T-42\", \"who\": \"ops\"}}")))
                                            RunViews.LaunchRequest request) {
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
    @Operation(operationId = "listRuns", summary = "List runs",
            description = "Runs, newest first, one page at a time.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "200", description = "A page of runs")
    @APIResponse(responseCode = "400", description = "A filter, limit or cursor is not valid")
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
    @Operation(operationId = "getRunStats", summary = "Count runs",
            description = "Runs by status and launches per minute over the last hour, as the console home shows them.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "200", description = "The counts")
    public RunStats.Stats stats() {
        return stats.now();
    }

    @GET
    @Path("/runs/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Blocking
    @Operation(operationId = "getRun", summary = "Get a run",
            description = "The run document: status, inputs (secrets redacted), steps, waits, output, error, and why it is stuck when it is. Asks Temporal nothing. With ?wait= it answers when the status changes (from ?from= or the status now) or the wait ends.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "200", description = "The run", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunViews.Run.class)))
    @APIResponse(responseCode = "400", description = "?wait= or ?from= is not valid")
    @APIResponse(responseCode = "404", description = "No run with this id")
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
    @Operation(operationId = "signalRun", summary = "Signal a run",
            description = "Delivers an event to the run; an event.wait step that matches it takes it.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "202", description = "Delivered to the run")
    @APIResponse(responseCode = "400", description = "event is missing or a field is not valid")
    @APIResponse(responseCode = "404", description = "No run with this id")
    @APIResponse(responseCode = "409", description = "The run has ended")
    @APIResponse(responseCode = "429", description = "The run holds as many unmatched signals as it may")
    @APIResponse(responseCode = "503", description = "Temporal cannot be reached")
    public Response signal(@PathParam("id") String id,
                           @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                   schema = @Schema(implementation = RunViews.SignalRequest.class),
                                   examples = @ExampleObject(name = "approval", summary = "An approval for ticket T-42",
                                           value = "{\"event\": \"approval\", \"correlationKey\": \"T-42\", \"payload\": {\"user\": \"alice\"}}")))
                           RunViews.SignalRequest request) {
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
    @Operation(operationId = "resumeRun", summary = "Resume a run",
            description = "Continues a FAILED run (or one whose execution was lost) in place: steps that succeeded are not run again. {\"version\": \"current\"} resumes on the workflow's current version; ?dryRun=true answers the plan (kept, run, discarded) and changes nothing. The body is optional.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "200", description = "The run document, or with ?dryRun=true the plan", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {RunViews.Run.class, ResumePlan.class})))
    @APIResponse(responseCode = "400", description = "A field of the body is not valid or not known")
    @APIResponse(responseCode = "404", description = "No run with this id")
    @APIResponse(responseCode = "409", description = "The run is not resumable now, or the new version cannot take it (errors lists every reason)")
    @APIResponse(responseCode = "503", description = "Temporal cannot be reached")
    public Response resume(@PathParam("id") String id, @QueryParam("dryRun") boolean dryRun,
                           @HeaderParam("Content-Type") String contentType,
                           @RequestBody(required = false, description = "Optional: {\"version\": \"current\"} resumes on the workflow's current version",
                                   content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                           schema = @Schema(implementation = RunViews.ResumeRequest.class))) String body)
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
    @Operation(operationId = "replayRun", summary = "Replay a run",
            description = "A new run with the original's stored inputs, each input given replacing the stored one, on the current version (default) or the original. The body is optional.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "201", description = "The new run; Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunViews.Run.class)))
    @APIResponse(responseCode = "400", description = "The inputs do not validate, or a field is not valid or not known")
    @APIResponse(responseCode = "404", description = "No run with this id")
    @APIResponse(responseCode = "409", description = "The workflow is archived or has no loadable version")
    @APIResponse(responseCode = "429", description = "The workflow's concurrency limit is reached")
    @APIResponse(responseCode = "503", description = "Temporal cannot be reached")
    public Response replay(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                           @RequestBody(required = false, description = "Optional: inputs to change, and the version (current or original)",
                                   content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                           schema = @Schema(implementation = RunViews.ReplayRequest.class))) String body)
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
    @Operation(operationId = "cancelRun", summary = "Cancel a run",
            description = "Asks the run to stop at its next step boundary; steps already done stay done. No body.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "202", description = "Cancellation requested")
    @APIResponse(responseCode = "404", description = "No run with this id")
    @APIResponse(responseCode = "409", description = "The run has ended")
    @APIResponse(responseCode = "503", description = "Temporal cannot be reached")
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
