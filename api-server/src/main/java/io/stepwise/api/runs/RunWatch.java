package io.stepwise.api.runs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits on a run's status without polling it (API.md, "Waiting for a run"). A trigger on
 * {@code runs} sends the run id on the channel {@code stepwise_run_status} whenever its status
 * changes, whoever wrote it; one connection of this replica's own LISTENs and wakes the waiters of
 * that run, which then read its status again. No thread is held while a request waits. When the
 * connection drops, every waiter is woken to read again, and the connection comes back.
 */
@ApplicationScoped
public class RunWatch {
    private static final Logger LOG = Logger.getLogger(RunWatch.class);
    static final String CHANNEL = "stepwise_run_status";

    private final RunQueries queries;
    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread listener;

    public RunWatch(RunQueries queries, @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
                    @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                    @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.queries = queries;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        listener = new Thread(this::listen, "stepwise-run-watch");
        listener.setDaemon(true);
        listener.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
        wakeAll();
    }

    /**
     * Completes with the run's status once {@code done} holds for it, or with the status it has
     * when {@code within} ends; empty when there is no such run. The reads run on the worker pool.
     */
    public CompletionStage<Optional<RunStatus>> until(UUID run, Predicate<RunStatus> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        return CompletableFuture.supplyAsync(() -> null, Infrastructure.getDefaultWorkerPool())
                .thenCompose(ignored -> look(run, done, deadline));
    }

    private CompletionStage<Optional<RunStatus>> look(UUID run, Predicate<RunStatus> done, long deadline) {
        CompletableFuture<Void> woken = new CompletableFuture<>();
        waiters.computeIfAbsent(run, id -> ConcurrentHashMap.newKeySet()).add(woken); // before reading: no change slips by
        Optional<RunStatus> status = queries.status(run);
        long left = deadline - System.nanoTime();
        if (status.isEmpty() || done.test(status.get()) || left <= 0) {
            forget(run, woken);
            return CompletableFuture.completedFuture(status);
        }
        return woken.completeOnTimeout(null, left, TimeUnit.NANOSECONDS)
                .thenComposeAsync(ignored -> {
                    forget(run, woken);
                    return look(run, done, deadline);
                }, Infrastructure.getDefaultWorkerPool());
    }

    private void forget(UUID run, CompletableFuture<Void> woken) {
        waiters.computeIfPresent(run, (id, set) -> {
            set.remove(woken);
            return set.isEmpty() ? null : set;
        });
    }

    private void wake(UUID run) {
        Set<CompletableFuture<Void>> set = waiters.get(run);
        if (set != null) {
            List.copyOf(set).forEach(f -> f.complete(null));
        }
    }

    private void wakeAll() {
        List.copyOf(waiters.keySet()).forEach(this::wake);
    }

    private void listen() {
        while (running) {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
                wakeAll(); // a change made while no connection listened is read now
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes != null) {
                        for (PGNotification note : notes) {
                            wake(UUID.fromString(note.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("run_watch_disconnected reason=%s", e.getMessage());
                wakeAll();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        user.ifPresent(u -> properties.setProperty("user", u));
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "stepwise-run-watch");
        return DriverManager.getConnection(url, properties);
    }
}
