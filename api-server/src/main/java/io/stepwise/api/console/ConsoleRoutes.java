package io.stepwise.api.console;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The console is one page of static modules under {@code /console}; its deep links ({@code /runs/{id}},
 * {@code /workflows/{ref}}, ...) are answered with that page, which routes in the browser. The API
 * stays under {@code /api/v1}; nothing here reads data or a token.
 */
@ApplicationScoped
public class ConsoleRoutes {
    static final String PAGES = "^/(signin|queues|runs|workflows)(/[^/]+)?$";

    void routes(@Observes Router router) {
        router.getWithRegex(PAGES).handler(rc -> rc.reroute("/"));
        // a new build's modules are picked up at the next load, not after a cache expires
        router.getWithRegex("^/(console/.*)?$").order(-1).handler(rc -> {
            rc.response().putHeader("Cache-Control", "no-cache");
            rc.next();
        });
    }
}
