package io.stepwise.core.actions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

import static io.stepwise.core.actions.WithRules.Kind.ANY;
import static io.stepwise.core.actions.WithRules.Kind.BOOLEAN;
import static io.stepwise.core.actions.WithRules.Kind.DURATION;
import static io.stepwise.core.actions.WithRules.Kind.INSTANT;
import static io.stepwise.core.actions.WithRules.Kind.OBJECT;
import static io.stepwise.core.actions.WithRules.Kind.POSITIVE_INTEGER;
import static io.stepwise.core.actions.WithRules.Kind.STATUS_CODES;
import static io.stepwise.core.actions.WithRules.Kind.STRING;

/** Every action a definition may use: the built-ins of DSL.md plus the plug-ins found on the class path. */
public final class ActionCatalog {
    public static final String HTTP_REQUEST = "http.request";
    public static final String LOG = "log";
    public static final String TRANSFORM = "transform";
    public static final String FAIL = "fail";
    public static final String NOOP = "noop";
    public static final String TIME_WAIT = "time.wait";
    public static final String EVENT_WAIT = "event.wait";

    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z][a-zA-Z0-9_.-]*");

    private static final Map<String, WithRules> BUILT_INS = builtIns();

    private final Map<String, StepAction> plugins;

    private ActionCatalog(Map<String, StepAction> plugins) {
        this.plugins = Collections.unmodifiableMap(plugins);
    }

    /** Built-ins plus every {@link StepAction} the context class loader can see. */
    public static ActionCatalog discover() {
        return of(ServiceLoader.load(StepAction.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    public static ActionCatalog of(List<StepAction> actions) {
        Map<String, StepAction> plugins = new LinkedHashMap<>();
        for (StepAction action : actions) {
            String name = action.name();
            if (BUILT_INS.containsKey(name)) {
                throw new IllegalArgumentException("action " + action.getClass().getName()
                        + " reuses the built-in name '" + name + "'");
            }
            if (!PLUGIN_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("action " + action.getClass().getName() + " is named '" + name
                        + "'; plug-in names are <namespace>.<action>");
            }
            if (plugins.putIfAbsent(name, action) != null) {
                throw new IllegalArgumentException("two actions are named '" + name + "'");
            }
        }
        return new ActionCatalog(plugins);
    }

    /** The built-in action names, in the order the language defines them. */
    public static java.util.Set<String> builtInNames() {
        return java.util.Collections.unmodifiableSet(BUILT_INS.keySet());
    }

    /**
     * The built-ins the interpreter runs in workflow code rather than as an activity: a step's
     * {@code timeout} and {@code retry} bound and repeat an activity, so they mean nothing here.
     */
    public static boolean runsInWorkflow(String name) {
        return IN_WORKFLOW.contains(name);
    }

    private static final Set<String> IN_WORKFLOW = Set.of(TRANSFORM, NOOP, FAIL, LOG, TIME_WAIT, EVENT_WAIT);

    public static boolean isBuiltIn(String name) {
        return BUILT_INS.containsKey(name);
    }

    public boolean knows(String name) {
        return BUILT_INS.containsKey(name) || plugins.containsKey(name);
    }

    public Optional<WithRules> rules(String name) {
        WithRules builtIn = BUILT_INS.get(name);
        if (builtIn != null) {
            return Optional.of(builtIn);
        }
        return Optional.ofNullable(plugins.get(name)).map(StepAction::rules);
    }

    public Optional<StepAction> plugin(String name) {
        return Optional.ofNullable(plugins.get(name));
    }

    public Set<String> names() {
        Set<String> names = new java.util.TreeSet<>(BUILT_INS.keySet());
        names.addAll(plugins.keySet());
        return names;
    }

    private static Map<String, WithRules> builtIns() {
        Map<String, WithRules> m = new LinkedHashMap<>();
        m.put(HTTP_REQUEST, WithRules.fields()
                .requiredChoice("method", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
                .required("url", STRING)
                .optional("headers", OBJECT)
                .optional("query", OBJECT)
                .optional("body", ANY)
                .optional("timeout", DURATION)
                .optional("successCodes", STATUS_CODES)
                .optional("followRedirects", BOOLEAN)
                .optional("maxResponseBytes", POSITIVE_INTEGER));
        m.put(LOG, WithRules.fields().required("message", ANY).optionalChoice("level", "info", "warn", "error"));
        m.put(TRANSFORM, WithRules.fields().required("value", ANY));
        m.put(FAIL, WithRules.fields().optional("message", ANY));
        m.put(NOOP, WithRules.anything());
        m.put(TIME_WAIT, WithRules.fields().optional("duration", DURATION).optional("until", INSTANT)
                .exactlyOneOf("duration", "until"));
        m.put(EVENT_WAIT, WithRules.fields().required("event", STRING).optional("correlationKey", ANY)
                .optional("timeout", DURATION).optionalChoice("onTimeout", "fail", "continue"));
        return Collections.unmodifiableMap(m);
    }
}
