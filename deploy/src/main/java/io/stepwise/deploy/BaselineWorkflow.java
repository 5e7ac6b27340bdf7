package io.stepwise.deploy;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.slf4j.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The e2e benchmark's baseline (deploy/bench/e2e.sh): the four steps of {@code bench.e2e} written
 * by hand for Temporal. The GET is an activity with the options Stepwise gives an
 * {@code http.request} step that sets none (one minute start-to-close, three attempts from 1 s,
 * 15 s heartbeat timeout); the transform ({@code ok = status == 200}), the noop and the log line
 * are workflow code. No projection, no definition load.
 */
@WorkflowInterface
public interface BaselineWorkflow {

    /** Answers {@code ok}: whether the GET of {@code url} answered 200. */
    @WorkflowMethod(name = "StepwiseBenchBaseline")
    boolean run(String url);

    /** What the GET answered, as Stepwise's http.request keeps it: status, headers, body. */
    record Response(int status, Map<String, List<String>> headers, String body) {
    }

    @ActivityInterface
    interface Http {
        @ActivityMethod(name = "StepwiseBenchGet")
        Response get(String url);
    }

    final class Impl implements BaselineWorkflow {
        /** Runs whose workflow code returned, counted once (not on replay): the bench waits on it. */
        static final AtomicInteger COMPLETED = new AtomicInteger();
        private static final Logger LOG = Workflow.getLogger(Impl.class);

        private final Http http = Workflow.newActivityStub(Http.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(15))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).setInitialInterval(Duration.ofSeconds(1))
                        .setBackoffCoefficient(2).setMaximumInterval(Duration.ofSeconds(30)).build())
                .build());

        @Override
        public boolean run(String url) {
            Response call = http.get(url);
            boolean ok = call.status() == 200;
            // the noop step: nothing to do
            LOG.info("e2e ok={}", ok);
            if (!Workflow.isReplaying()) {
                COMPLETED.incrementAndGet();
            }
            return ok;
        }
    }

    /** The GET, with a client set up as Stepwise's http.request sets its own (no redirects, 10 s to connect). */
    final class HttpImpl implements Http {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        @Override
        public Response get(String url) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                return new Response(r.statusCode(), r.headers().map(), r.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("GET " + url + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("GET " + url + " interrupted", e);
            }
        }
    }
}
