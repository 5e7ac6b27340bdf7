package io.stepwise.core.runtime;

import java.util.List;

/**
 * The answer to the state query: steps running now, waits open now, and the run's event buffer:
 * how many events it holds, its cap ({@code bufferLimit}, 0 when the run has none) and how many
 * events it dropped because the buffer was full.
 */
public record RunState(List<String> currentSteps, List<OpenWait> waits, int bufferedEvents, int bufferLimit,
                       int droppedEvents) {

    /** Whether the buffer is at its cap: an event no open wait takes would be dropped now. */
    public boolean bufferFull() {
        return bufferLimit > 0 && bufferedEvents >= bufferLimit;
    }

    /** Whether the run would keep this event now: an open wait takes it, or the buffer has room. */
    public boolean keeps(EventSignal signal) {
        return !bufferFull() || waits.stream().anyMatch(w -> w.takes(signal));
    }

    /** An open wait: TIMER or EVENT, with the event name and key for EVENT, the due time when known. */
    public record OpenWait(String stepPath, String kind, String event, String correlationKey, String dueAt) {

        /** An EVENT wait takes an event of its name; a wait with a key only one with that key. */
        public boolean takes(EventSignal signal) {
            return "EVENT".equals(kind) && event != null && event.equals(signal.event())
                    && (correlationKey == null || correlationKey.equals(signal.correlationKey()));
        }
    }
}
