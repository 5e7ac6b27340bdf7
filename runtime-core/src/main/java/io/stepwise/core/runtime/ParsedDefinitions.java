package io.stepwise.core.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Definitions as the worker parsed them, by their stored JSON text: a version never changes, and
 * every workflow task of a run without sticky execution replays its load, so each version is
 * parsed once per worker instead of once per task. The least recently used go past {@value #CAP}.
 */
final class ParsedDefinitions<T> {
    static final int CAP = 512;

    private final Map<String, T> byText = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
            return size() > CAP;
        }
    };

    /** The parsed form of {@code text}; {@code parse} runs outside the lock, and a failure is not kept. */
    T get(String text, Function<String, T> parse) {
        synchronized (byText) {
            T known = byText.get(text);
            if (known != null) {
                return known;
            }
        }
        T parsed = parse.apply(text);
        synchronized (byText) {
            byText.putIfAbsent(text, parsed);
        }
        return parsed;
    }
}
