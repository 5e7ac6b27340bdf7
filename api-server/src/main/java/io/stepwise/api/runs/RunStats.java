package io.stepwise.api.runs;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.bootstrap.persistence.SqlTimes;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console home's figures ({@code GET /runs/stats}): runs created in the last 24 hours by status
 * (every status present, zero when none), and runs finished in each of the last 60 whole minutes by
 * final status, oldest first, the current minute last.
 */
@ApplicationScoped
public class RunStats {
    static final Duration WINDOW = Duration.ofHours(24);
    static final int MINUTES = 60;
    private static final List<RunStatus> FINISHED = List.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELED);

    public record Minute(Instant minute, @JsonProperty("SUCCEEDED") long succeeded,
                         @JsonProperty("FAILED") long failed, @JsonProperty("CANCELED") long canceled) {
    }

    public record Stats(Instant since, Instant until, Map<RunStatus, Long> byStatus, List<Minute> finishedPerMinute) {
    }

    private final EntityManager em;

    public RunStats(EntityManager em) {
        this.em = em;
    }

    public Stats now() {
        Instant until = Instant.now();
        Instant since = until.minus(WINDOW);
        Instant firstMinute = until.truncatedTo(ChronoUnit.MINUTES).minus(MINUTES - 1, ChronoUnit.MINUTES);
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<RunStatus, Long> byStatus = new LinkedHashMap<>();
            for (RunStatus s : RunStatus.values()) {
                byStatus.put(s, 0L);
            }
            @SuppressWarnings("unchecked")
            List<Tuple> counts = em.createNativeQuery("SELECT status, count(*) AS n FROM runs WHERE created_at >= :since "
                    + "GROUP BY status", Tuple.class).setParameter("since", since).getResultList();
            counts.forEach(t -> byStatus.put(RunStatus.valueOf(t.get("status", String.class)),
                    t.get("n", Number.class).longValue()));

            long[][] perMinute = new long[MINUTES][3];
            @SuppressWarnings("unchecked")
            List<Tuple> finished = em.createNativeQuery("""
                    SELECT date_trunc('minute', finished_at) AS minute, status, count(*) AS n FROM runs
                    WHERE finished_at >= :first AND status IN ('SUCCEEDED', 'FAILED', 'CANCELED')
                    GROUP BY 1, 2""", Tuple.class).setParameter("first", firstMinute).getResultList();
            for (Tuple t : finished) {
                int i = (int) ChronoUnit.MINUTES.between(firstMinute, SqlTimes.instant(t.get("minute")));
                if (i >= 0 && i < MINUTES) {
                    perMinute[i][FINISHED.indexOf(RunStatus.valueOf(t.get("status", String.class)))]
                            += t.get("n", Number.class).longValue();
                }
            }
            List<Minute> minutes = new ArrayList<>(MINUTES);
            for (int i = 0; i < MINUTES; i++) {
                minutes.add(new Minute(firstMinute.plus(i, ChronoUnit.MINUTES), perMinute[i][0], perMinute[i][1],
                        perMinute[i][2]));
            }
            return new Stats(since, until, byStatus, minutes);
        });
    }
}
