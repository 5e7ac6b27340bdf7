package io.stepwise.core.dsl;

import io.stepwise.core.expr.Template;

import java.util.List;

/** A loop over {@code items}, at most {@code concurrency} iterations at a time; the body binds {@code item} and {@code index}. */
public record ForEach(Template items, int concurrency, List<Step> steps) {
}
