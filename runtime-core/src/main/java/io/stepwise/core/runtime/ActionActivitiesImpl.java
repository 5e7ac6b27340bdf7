package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.ActionContext;
import io.stepwise.core.actions.HttpRequestAction;
import io.stepwise.core.actions.StepAction;
import io.stepwise.core.expr.Template;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The actions with side effects: {@code http.request}, {@code log}, and plug-ins from the catalog. */
public class ActionActivitiesImpl implements ActionActivities {
    private static final Logger LOG = LoggerFactory.getLogger(ActionActivitiesImpl.class);
    private final ActionCatalog catalog;
    private final HttpRequestAction http;

    public ActionActivitiesImpl(ActionCatalog catalog, HttpRequestAction http) {
        this.catalog = catalog;
        this.http = http;
    }

    public ActionActivitiesImpl() {
        this(ActionCatalog.discover(), new HttpRequestAction());
    }

    @Override
    public Outcome execute(Invocation call) {
        int attempt = Activity.getExecutionContext().getInfo().getAttempt();
        try {
            JsonNode output = switch (call.uses()) {
                case ActionCatalog.HTTP_REQUEST -> request(call);
                case ActionCatalog.LOG -> log(call);
                default -> plugin(call, attempt);
            };
            return new Outcome(output, attempt);
        } catch (HttpRequestAction.Failure f) {
            LOG.info("action_failed run_id={} step={} uses={} attempt={} type={} retryable={}",
                    call.runId(), call.stepPath(), call.uses(), attempt, f.type(), f.retryable());
            throw f.retryable()
                    ? ApplicationFailure.newFailure(f.getMessage(), f.type(), attempt)
                    : ApplicationFailure.newNonRetryableFailure(f.getMessage(), f.type(), attempt);
        } catch (ApplicationFailure f) {
            throw f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Activity.wrap(e);
        } catch (Exception e) {
            LOG.info("action_failed run_id={} step={} uses={} attempt={} error={}",
                    call.runId(), call.stepPath(), call.uses(), attempt, e.getClass().getSimpleName());
            throw ApplicationFailure.newFailure(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    "ActionFailed", attempt);
        }
    }

    /** A request may take long: heartbeat meanwhile, so a dead worker's request is retried soon. */
    private JsonNode request(Invocation call) throws Exception {
        try (ActivityHeartbeat alive = ActivityHeartbeat.start(Activity.getExecutionContext())) {
            return http.execute(call.with());
        }
    }

    private static JsonNode log(Invocation call) {
        return writeLog(LOG, call.runId(), call.stepPath(), call.with());
    }

    /**
     * A {@code log} step's line. Runs that started before log steps ran in workflow code call it
     * from this activity; newer runs call it from the interpreter with the replay-aware workflow
     * logger of this class, so a replay does not write the line again.
     */
    static JsonNode writeLog(Logger log, String runId, String stepPath, JsonNode with) {
        String message = Template.asText(with.get("message"));
        String level = with.path("level").asText("info");
        String line = "workflow_log run_id={} step={} message={}";
        switch (level) {
            case "error" -> log.error(line, runId, stepPath, message);
            case "warn" -> log.warn(line, runId, stepPath, message);
            default -> log.info(line, runId, stepPath, message);
        }
        return JsonNodeFactory.instance.nullNode();
    }

    private JsonNode plugin(Invocation call, int attempt) throws Exception {
        StepAction action = catalog.plugin(call.uses()).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                "no action '" + call.uses() + "' on this worker's class path", "UnknownAction", attempt));
        return action.execute(new ActionContext(call.runId(), call.stepPath(), call.runAttempt()), call.with());
    }
}
