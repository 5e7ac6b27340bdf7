package io.stepwise.core.runtime;

import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * The events a run holds until an {@code event.wait} takes them, in arrival order, up to a cap.
 * An event beyond the cap that no open wait takes is dropped and counted, never a failed workflow
 * task: the run goes on, its state query shows the count (docs/runs.md, "Buffered events").
 */
final class EventBuffer {
    private static final Logger LOG = Workflow.getLogger(EventBuffer.class);

    private final List<EventSignal> events = new ArrayList<>();
    /** Unknown until the run has read its recorded caps; until then every event is kept. */
    private int limit = Integer.MAX_VALUE;
    private int dropped;
    private String runId;

    /**
     * Signals can be handled before the workflow method has started (the SDK delivers those of the
     * first workflow task when the handlers are registered); they are kept whatever the cap, so the
     * decision stays the same on replay.
     */
    void limitTo(int max, String runId) {
        this.limit = max;
        this.runId = runId;
    }

    /**
     * Keeps the event, unless the buffer is full and no open wait takes it. An event an open wait
     * takes is always kept (the wait takes it in this same workflow task): a buffer full of events
     * nobody waits for must never keep the awaited one out.
     */
    void offer(EventSignal signal, Collection<RunState.OpenWait> openWaits) {
        if (events.size() >= limit && openWaits.stream().noneMatch(w -> w.takes(signal))) {
            dropped++;
            LOG.warn("event_signal_dropped run_id={} event={} buffered={} limit={} dropped={}"
                    + " reason=\"the run's event buffer is full (stepwise.worker.max-buffered-events)\"",
                    runId, signal.event(), events.size(), limit, dropped);
            return;
        }
        events.add(signal);
    }

    boolean hasMatch(String event, String key) {
        return events.stream().anyMatch(s -> matches(s, event, key));
    }

    /** Removes and returns the first event that matches, or null. */
    EventSignal takeMatch(String event, String key) {
        for (Iterator<EventSignal> it = events.iterator(); it.hasNext(); ) {
            EventSignal s = it.next();
            if (matches(s, event, key)) {
                it.remove();
                return s;
            }
        }
        return null;
    }

    int size() {
        return events.size();
    }

    /** The cap, or 0 when the run has none (it started before caps existed, or has not read them yet). */
    int limit() {
        return limit == Integer.MAX_VALUE ? 0 : limit;
    }

    int dropped() {
        return dropped;
    }

    private static boolean matches(EventSignal signal, String event, String key) {
        return event.equals(signal.event()) && (key == null || key.equals(signal.correlationKey()));
    }
}
