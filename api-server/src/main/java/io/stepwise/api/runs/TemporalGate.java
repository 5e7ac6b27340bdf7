package io.stepwise.api.runs;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stepwise.bootstrap.config.TemporalConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A circuit breaker in front of Temporal. When a call finds Temporal unreachable (UNAVAILABLE, or
 * no answer within the RPC timeout) the gate closes for {@code stepwise.temporal.outage-pause}:
 * launches leave their run PENDING at once, the run document reports "Temporal does not answer"
 * without waiting, and the reconciler stops its pass. After the pause one call goes through again;
 * its success opens the gate for everyone.
 */
@ApplicationScoped
public class TemporalGate {
    private static final Logger LOG = Logger.getLogger(TemporalGate.class);

    private final TemporalConfig config;
    private final Clock clock;
    private final AtomicReference<Instant> downUntil = new AtomicReference<>(Instant.MIN);

    @Inject
    public TemporalGate(TemporalConfig config) {
        this(config, Clock.systemUTC());
    }

    TemporalGate(TemporalConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** True while a recent call found Temporal unreachable: callers should not wait on it now. */
    public boolean down() {
        return clock.instant().isBefore(downUntil.get());
    }

    /** Records what a call's failure says about Temporal; answers whether it means Temporal is unreachable. */
    public boolean failed(RuntimeException e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof StatusRuntimeException)) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return false;
        }
        Status.Code code = ((StatusRuntimeException) cause).getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
            return false;
        }
        Instant previous = downUntil.getAndSet(clock.instant().plus(config.outagePause()));
        if (!clock.instant().isBefore(previous)) {
            LOG.warnf("temporal_unreachable target=%s code=%s pause=%s", config.target(), code, config.outagePause());
        }
        return true;
    }

    /** A call answered: Temporal is reachable. */
    public void answered() {
        if (downUntil.getAndSet(Instant.MIN) != Instant.MIN) {
            LOG.infof("temporal_reachable target=%s", config.target());
        }
    }
}
