package io.stepwise.core.runtime;

import java.util.List;

/** The answer to the state query: steps running now and waits open now. */
public record RunState(List<String> currentSteps, List<OpenWait> waits, int bufferedEvents) {

    /** An open wait: TIMER or EVENT, with the event name and key for EVENT, the due time when known. */
    public record OpenWait(String stepPath, String kind, String event, String correlationKey, String dueAt) {
    }
}
