package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.api.definitions.DefinitionViews.Page;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;
import io.stepwise.core.redact.Redactor;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.persistence.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The read side of runs: the run document and the list, from Postgres, in one short transaction
 * each. The stuck reason comes from the same database (StuckDetector): reading a run asks Temporal
 * nothing.
 */
@ApplicationScoped
public class RunQueries {
    static final int MAX_LIMIT = 200;
    private final EntityManager em;
    private final ObjectMapper json;
    private final StuckDetector stuck;

    private final SecretInputs secretInputs;

    public RunQueries(EntityManager em, ObjectMapper json, StuckDetector stuck, SecretInputs secretInputs) {
        this.secretInputs = secretInputs;
        this.em = em;
        this.json = json;
        this.stuck = stuck;
    }

    /** A run as read, with its stuck reason. */
    private record Read(RunRows.Document run, List<RunViews.Step> steps, List<RunViews.Wait> waits,
                        List<String> replayedBy, RunViews.Stuck stuck) {
    }

    public Optional<RunViews.Run> get(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> read(id)).map(this::view);
    }

    /** The run's status alone (one indexed row), for waits on a change; empty when there is no such run. */
    public Optional<RunStatus> status(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = em.createNativeQuery("SELECT status FROM runs WHERE id = :id").setParameter("id", id)
                    .getResultList();
            return rows.stream().findFirst().map(s -> RunStatus.valueOf((String) s));
        });
    }

    private Optional<Read> read(UUID id) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("SELECT " + RunRows.FACT_COLUMNS + """
                , r.workflow_ref, r.version_id, v.seq, r.attempt, r.execution_key,
                  r.inputs_redacted::text AS inputs_redacted, r.output::text AS output, r.error::text AS error,
                  r.replay_of, r.started_at, r.finished_at, r.inputs::text AS inputs, r.secret_inputs,
                  (v.definition->'inputs')::text AS input_schemas, """
                + RunRows.STEP_ROWS + " AS step_rows, " + RunRows.WAIT_ROWS + " AS wait_rows, "
                + RunRows.REPLAYED_BY + " AS replayed_by"
                + " FROM runs r JOIN definition_versions v ON v.id = r.version_id WHERE r.id = :id", Tuple.class)
                .setParameter("id", id).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        // one statement: the run, its steps (the newest attempt of each path: a resumed run shows what
        // its steps did last), the waits of its current attempt and the runs replayed from it
        Tuple row = rows.get(0);
        RunRows.Document run = RunRows.Document.of(row, json);
        List<RunViews.Step> steps = RunRows.steps(json, row, "step_rows");
        steps.sort(RunQueries::byStartThenPath);
        return Optional.of(new Read(run, steps, RunRows.waits(json, row, "wait_rows"), RunRows.ids(json, row, "replayed_by"),
                stuck.of(run.facts(), stuck.workerLiveness())));
    }

    private RunViews.Run view(Read read) {
        RunRows.Document r = read.run();
        // outputs are redacted when written; this second pass covers rows written before that
        Redactor redactor = secretInputs.redactor(r.storedInputs(), r.secretInputs(), r.inputSchemas());
        List<RunViews.Step> steps = read.steps().stream().map(st -> new RunViews.Step(st.path(), st.id(), st.uses(),
                st.status(), st.attempts(), st.startedAt(), st.finishedAt(), redactor.redact(st.output()),
                redactor.redact(st.error()))).toList();
        return new RunViews.Run(r.facts().id().toString(),
                new RunViews.WorkflowRef(r.workflowRef(), r.versionId().toString(), r.versionSeq()),
                r.facts().status(), r.attempt(), r.executionKey(), r.inputsRedacted(), redactor.redact(r.output()),
                redactor.redact(r.error()), r.replayOf() == null ? null : r.replayOf().toString(), read.replayedBy(),
                r.facts().createdAt(), r.startedAt(), r.finishedAt(), steps, read.waits(), read.stuck(),
                RunResumer.resumable(r.facts()));
    }

    /** Steps in the order they started (finished, for one that never started), then by path. */
    private static int byStartThenPath(RunViews.Step a, RunViews.Step b) {
        Instant x = a.startedAt() == null ? a.finishedAt() : a.startedAt();
        Instant y = b.startedAt() == null ? b.finishedAt() : b.startedAt();
        int byTime = x == null || y == null ? 0 : x.compareTo(y);
        return byTime != 0 ? byTime : a.path().compareTo(b.path());
    }

    private static final String SUMMARY_COLUMNS = RunRows.FACT_COLUMNS
            + ", r.workflow_ref, r.attempt, r.execution_key, r.started_at, r.finished_at";

    /** Newest first; the cursor is the last item's (created_at, id), opaque to callers. */
    public Page<RunViews.Summary> list(String workflow, String status, Boolean stuckOnly, Integer limit, String cursor) {
        if (Boolean.TRUE.equals(stuckOnly)) {
            return stuckRuns(workflow);
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw new ApiException.BadRequest("limit must be from 1 to " + MAX_LIMIT);
        }
        RunStatus wanted = status == null || status.isBlank() ? null : parseStatus("status", status);
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM runs r WHERE 1 = 1");
        if (workflow != null && !workflow.isBlank()) {
            sql.append(" AND r.workflow_ref = :workflow");
        }
        if (wanted != null) {
            sql.append(" AND r.status = :status");
        }
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor);
        if (after != null) {
            sql.append(" AND (r.created_at, r.id) < (:afterTime, :afterId)");
        }
        sql.append(" ORDER BY r.created_at DESC, r.id DESC LIMIT :limit");
        List<RunRows.Summary> rows = QuarkusTransaction.requiringNew().call(() -> {
            Query query = em.createNativeQuery(sql.toString(), Tuple.class).setParameter("limit", size + 1);
            if (workflow != null && !workflow.isBlank()) {
                query.setParameter("workflow", workflow);
            }
            if (wanted != null) {
                query.setParameter("status", wanted.name());
            }
            if (after != null) {
                query.setParameter("afterTime", after.createdAt()).setParameter("afterId", after.id());
            }
            return summaries(query);
        });
        List<RunViews.Summary> items = rows.stream().limit(size).map(RunRows.Summary::view).toList();
        String next = rows.size() > size ? Cursor.of(items.get(items.size() - 1)) : null;
        return new Page<>(items, next);
    }

    /** Active runs that are stuck, newest first; at most {@value #MAX_LIMIT} are examined. */
    private Page<RunViews.Summary> stuckRuns(String workflow) {
        List<RunRows.Summary> rows = QuarkusTransaction.requiringNew().call(() -> summaries(em.createNativeQuery(
                        "SELECT " + SUMMARY_COLUMNS + " FROM runs r WHERE r.status IN ('PENDING', 'RUNNING', 'WAITING') "
                                + "AND (CAST(:workflow AS text) IS NULL OR r.workflow_ref = :workflow) "
                                + "ORDER BY r.created_at DESC, r.id DESC LIMIT " + MAX_LIMIT, Tuple.class)
                .setParameter("workflow", workflow == null || workflow.isBlank() ? null : workflow)));
        BooleanSupplier workerAlive = stuck.workerLiveness();
        List<RunViews.Summary> items = rows.stream().filter(r -> stuck.of(r.facts(), workerAlive) != null)
                .map(RunRows.Summary::view).toList();
        return new Page<>(items, null);
    }

    @SuppressWarnings("unchecked")
    private static List<RunRows.Summary> summaries(Query query) {
        return ((List<Tuple>) query.getResultList()).stream().map(RunRows.Summary::of).toList();
    }

    static RunStatus parseStatus(String field, String status) {
        try {
            return RunStatus.valueOf(status.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ApiException.BadRequest("unknown status " + status, List.of(Problem.Error.ofField(field,
                    "one of PENDING, RUNNING, WAITING, SUCCEEDED, FAILED, CANCELED")));
        }
    }

    /** Where a page ends: the last item's (created_at, id). */
    private record Cursor(OffsetDateTime createdAt, UUID id) {
        static String of(RunViews.Summary last) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.createdAt().toString() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                return new Cursor(OffsetDateTime.parse(parts[0].replace("Z", "+00:00")), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new ApiException.BadRequest("cursor is not one this server gave out");
            }
        }
    }
}
