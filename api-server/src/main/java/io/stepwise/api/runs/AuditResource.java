package io.stepwise.api.runs;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.stepwise.bootstrap.persistence.SqlTimes;
import io.stepwise.bootstrap.persistence.StoredJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.api.definitions.DefinitionViews;
import io.stepwise.api.definitions.Roles;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.config.WorkerConfig;
import io.stepwise.bootstrap.lease.QueueLease;
import io.stepwise.bootstrap.temporal.TaskQueuePollers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A run's audit trail ({@code GET /runs/{id}/events}) and the task queues' claims ({@code GET /queues}). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    public record AuditEvent(String kind, String actor, Instant at, JsonNode details) {
    }

    public record Instance(String instance, String build, Instant startedAt, Instant lastHeartbeat, boolean live) {
    }

    /**
     * A task queue: {@code authored} marks the one the workflow-worker polls; {@code live} is true
     * when a lease heart-beat within the TTL or Temporal reports a poller; {@code pollers} is null
     * when Temporal can't tell (the embedded dev server does not report them).
     */
    public record Queue(String name, String owner, boolean authored, boolean live, List<Instance> instances,
                        List<TaskQueuePollers.Poller> pollers) {
    }

    private final EntityManager em;
    private final ObjectMapper json;
    private final QueueLease leases;
    private final WorkerConfig workers;
    private final TemporalConfig temporalConfig;
    private final TemporalRuns temporal;

    public AuditResource(EntityManager em, ObjectMapper json, QueueLease leases, WorkerConfig workers,
                         TemporalConfig temporalConfig, TemporalRuns temporal) {
        this.em = em;
        this.json = json;
        this.leases = leases;
        this.workers = workers;
        this.temporalConfig = temporalConfig;
        this.temporal = temporal;
    }

    @GET
    @Path("/runs/{id}/events")
    @RolesAllowed(Roles.VIEWER)
    @Transactional
    @Operation(operationId = "listRunEvents", summary = "Get a run's audit trail",
            description = "Who launched, signalled, cancelled, resumed or replayed the run, and when, oldest first.")
    @Tag(name = "Runs")
    @APIResponse(responseCode = "200", description = "The audit events")
    @APIResponse(responseCode = "404", description = "No run with this id")
    public DefinitionViews.Page<AuditEvent> events(@PathParam("id") String id) {
        UUID run;
        try {
            run = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException.NotFound("no run " + id);
        }
        if (em.createNativeQuery("SELECT 1 FROM runs WHERE id = :id").setParameter("id", run).getResultList().isEmpty()) {
            throw new ApiException.NotFound("no run " + id);
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("SELECT kind, actor, at, details::text AS details FROM run_events "
                        + "WHERE run_id = :id ORDER BY at, id", Tuple.class)
                .setParameter("id", run).getResultList();
        return DefinitionViews.Page.of(rows.stream().map(t -> new AuditEvent(t.get("kind", String.class),
                t.get("actor", String.class), SqlTimes.instant(t.get("at")), tree(t.get("details", String.class))))
                .toList());
    }

    @GET
    @Path("/queues")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "listQueues", summary = "List task queues",
            description = "Each task queue with the workers that claim it and whether any is live.")
    @Tag(name = "Queues")
    @APIResponse(responseCode = "200", description = "The queues")
    public DefinitionViews.Page<Queue> queues() {
        // the authored queue is always listed, first: "no worker" is an answer an operator needs to see
        Map<String, List<QueueLease.Lease>> byQueue = new LinkedHashMap<>();
        byQueue.put(temporalConfig.taskQueue(), new ArrayList<>());
        leases.all().forEach(l -> byQueue.computeIfAbsent(l.queue(), q -> new ArrayList<>()).add(l));
        List<Queue> queues = new ArrayList<>();
        byQueue.forEach((name, held) -> {
            List<Instance> instances = held.stream().map(l -> new Instance(l.instance(), l.build(),
                    l.startedAt().toInstant(), l.heartbeatAt().toInstant(), l.live(workers.leaseTtl()))).toList();
            List<TaskQueuePollers.Poller> pollers = temporal.pollers(name).orElse(null);
            boolean live = instances.stream().anyMatch(Instance::live) || (pollers != null && !pollers.isEmpty());
            queues.add(new Queue(name, held.isEmpty() ? null : held.get(0).owner(),
                    name.equals(temporalConfig.taskQueue()), live, instances, pollers));
        });
        return DefinitionViews.Page.of(queues);
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : StoredJson.decode(json.readTree(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
