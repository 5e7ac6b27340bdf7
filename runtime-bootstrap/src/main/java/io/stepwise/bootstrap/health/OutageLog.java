package io.stepwise.bootstrap.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Where a readiness check's failure detail goes: the log, once per change, never the health
 * response (which anyone who reaches the port can read). Probes run every few seconds; the same
 * failure is written once, and again only when its detail changes or the check recovers.
 */
public final class OutageLog {
    private static final Logger LOG = LoggerFactory.getLogger(OutageLog.class);
    private final String check;
    private String lastDetail;

    public OutageLog(String check) {
        this.check = check;
    }

    public synchronized void down(String reason, Throwable cause) {
        String detail = cause.getClass().getName() + ": " + cause.getMessage();
        if (!Objects.equals(detail, lastDetail)) {
            LOG.warn("readiness_down check={} reason=\"{}\" error=\"{}\"", check, reason, detail);
            lastDetail = detail;
        }
    }

    public synchronized void up() {
        if (lastDetail != null) {
            LOG.info("readiness_up check={}", check);
            lastDetail = null;
        }
    }
}
