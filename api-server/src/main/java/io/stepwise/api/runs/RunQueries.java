package io.stepwise.api.runs;

import io.stepwise.bootstrap.persistence.SqlTimes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.api.error.ApiException;
import io.stepwise.core.redact.Redactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The read side of runs: the run document and the list, from Postgres only (never from Temporal). */
@ApplicationScoped
public class RunQueries {
    static final int MAX_LIMIT = 200;
    private final EntityManager em;
    private final ObjectMapper json;
    private final StuckDetector stuck;

    public RunQueries(EntityManager em, ObjectMapper json, StuckDetector stuck) {
        this.em = em;
        this.json = json;
        this.stuck = stuck;
    }

    @Transactional
    public Optional<RunViews.Run> get(UUID id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT r.id, r.workflow_ref, r.version_id, v.seq, r.status, r.attempt, r.execution_key,
                       r.inputs_redacted::text, r.output::text, r.error::text, r.replay_of, r.created_at, r.started_at,
                       r.finished_at, r.inputs::text, v.definition->'inputs', r.started_in_temporal, r.updated_at
                FROM runs r JOIN definition_versions v ON v.id = r.version_id WHERE r.id = :id""")
                .setParameter("id", id).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        int attempt = ((Number) r[5]).intValue();
        Redactor redactor = redactor(tree(r[14]), tree(r[15]));
        List<RunViews.Step> steps = steps(id).stream().map(st -> new RunViews.Step(st.path(), st.id(), st.uses(),
                st.status(), st.attempts(), st.startedAt(), st.finishedAt(), redactor.redact(st.output()),
                redactor.redact(st.error()))).toList();
        return Optional.of(new RunViews.Run(r[0].toString(),
                new RunViews.WorkflowRef((String) r[1], r[2].toString(), ((Number) r[3]).intValue()),
                (String) r[4], attempt, (String) r[6], tree(r[7]), redactor.redact(tree(r[8])),
                redactor.redact(tree(r[9])), r[10] == null ? null : r[10].toString(), SqlTimes.instant(r[11]), SqlTimes.instant(r[12]),
                SqlTimes.instant(r[13]), steps, waits(id, attempt),
                stuck.of(id, (String) r[4], (Boolean) r[16], SqlTimes.instant(r[11]), SqlTimes.instant(r[17]))));
    }

    /** Secret inputs' values are cut out of every output and error the API shows (API.md, "The run document"). */
    private static Redactor redactor(JsonNode rawInputs, JsonNode inputSchemas) {
        java.util.Set<String> secret = new java.util.HashSet<>();
        if (inputSchemas != null && inputSchemas.isObject()) {
            inputSchemas.fields().forEachRemaining(e -> {
                if (e.getValue().path("secret").asBoolean(false)) {
                    secret.add(e.getKey());
                }
            });
        }
        return Redactor.of(secret, rawInputs);
    }

    private List<RunViews.Step> steps(UUID run) {
        // the newest attempt of each step path: a resumed run shows what its steps did last
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT DISTINCT ON (path) path, step_id, uses, status, attempts, started_at, finished_at,
                       output::text, error::text
                FROM steps WHERE run_id = :run ORDER BY path, attempt DESC""")
                .setParameter("run", run).getResultList();
        List<RunViews.Step> steps = new ArrayList<>();
        for (Object[] r : rows) {
            steps.add(new RunViews.Step((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                    ((Number) r[4]).intValue(), SqlTimes.instant(r[5]), SqlTimes.instant(r[6]), tree(r[7]), tree(r[8])));
        }
        steps.sort((a, b) -> {
            Instant x = a.startedAt() == null ? a.finishedAt() : a.startedAt();
            Instant y = b.startedAt() == null ? b.finishedAt() : b.startedAt();
            int byTime = x == null || y == null ? 0 : x.compareTo(y);
            return byTime != 0 ? byTime : a.path().compareTo(b.path());
        });
        return steps;
    }

    private List<RunViews.Wait> waits(UUID run, int attempt) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT step_path, kind, event, correlation_key, status, due_at FROM waits
                WHERE run_id = :run AND attempt = :attempt ORDER BY opened_at, step_path""")
                .setParameter("run", run).setParameter("attempt", attempt).getResultList();
        return rows.stream().map(r -> new RunViews.Wait((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                (String) r[4], SqlTimes.instant(r[5]))).toList();
    }

    /** Newest first; the cursor is the last item's (created_at, id), opaque to callers. */
    @Transactional
    public io.stepwise.api.definitions.DefinitionViews.Page<RunViews.Summary> list(String workflow, String status,
                                                                                   Boolean stuckOnly, Integer limit,
                                                                                   String cursor) {
        if (Boolean.TRUE.equals(stuckOnly)) {
            return stuckRuns(workflow);
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw new ApiException.BadRequest("limit must be from 1 to " + MAX_LIMIT);
        }
        StringBuilder sql = new StringBuilder("SELECT id, workflow_ref, status, attempt, execution_key, created_at, "
                + "started_at, finished_at FROM runs WHERE 1 = 1");
        if (workflow != null && !workflow.isBlank()) {
            sql.append(" AND workflow_ref = :workflow");
        }
        if (status != null && !status.isBlank()) {
            sql.append(" AND status = :status");
        }
        Object[] after = cursor == null || cursor.isBlank() ? null : decode(cursor);
        if (after != null) {
            sql.append(" AND (created_at, id) < (:afterTime, :afterId)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        var query = em.createNativeQuery(sql.toString()).setParameter("limit", size + 1);
        if (workflow != null && !workflow.isBlank()) {
            query.setParameter("workflow", workflow);
        }
        if (status != null && !status.isBlank()) {
            query.setParameter("status", status.toUpperCase());
        }
        if (after != null) {
            query.setParameter("afterTime", after[0]).setParameter("afterId", after[1]);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        List<RunViews.Summary> items = new ArrayList<>();
        for (int i = 0; i < Math.min(size, rows.size()); i++) {
            Object[] r = rows.get(i);
            items.add(new RunViews.Summary(r[0].toString(), (String) r[1], (String) r[2], ((Number) r[3]).intValue(),
                    (String) r[4], SqlTimes.instant(r[5]), SqlTimes.instant(r[6]), SqlTimes.instant(r[7])));
        }
        String next = null;
        if (rows.size() > size) {
            RunViews.Summary last = items.get(items.size() - 1);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.createdAt().toString() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        }
        return new io.stepwise.api.definitions.DefinitionViews.Page<>(items, next);
    }

    /** Active runs that are stuck, newest first; at most {@value #MAX_LIMIT} are examined. */
    private io.stepwise.api.definitions.DefinitionViews.Page<RunViews.Summary> stuckRuns(String workflow) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, workflow_ref, status, attempt, execution_key, created_at, "
                        + "started_at, finished_at, started_in_temporal, updated_at FROM runs "
                        + "WHERE status IN ('PENDING', 'RUNNING', 'WAITING') AND (CAST(:workflow AS text) IS NULL "
                        + "OR workflow_ref = :workflow) ORDER BY created_at DESC, id DESC LIMIT " + MAX_LIMIT)
                .setParameter("workflow", workflow == null || workflow.isBlank() ? null : workflow).getResultList();
        List<RunViews.Summary> items = new ArrayList<>();
        for (Object[] r : rows) {
            UUID id = (UUID) r[0];
            if (stuck.of(id, (String) r[2], (Boolean) r[8], SqlTimes.instant(r[5]), SqlTimes.instant(r[9])) != null) {
                items.add(new RunViews.Summary(id.toString(), (String) r[1], (String) r[2], ((Number) r[3]).intValue(),
                        (String) r[4], SqlTimes.instant(r[5]), SqlTimes.instant(r[6]), SqlTimes.instant(r[7])));
            }
        }
        return new io.stepwise.api.definitions.DefinitionViews.Page<>(items, null);
    }

    private static Object[] decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            return new Object[]{OffsetDateTime.parse(parts[0].replace("Z", "+00:00")), UUID.fromString(parts[1])};
        } catch (RuntimeException e) {
            throw new ApiException.BadRequest("cursor is not one this server gave out");
        }
    }

    private JsonNode tree(Object text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON does not read", e);
        }
    }
}
