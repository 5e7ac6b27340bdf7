/**
 * The operator API: definitions, resync, launch, signals, reconciler; a Temporal client only (issues 4 to 6).
 * The module exists so that the build and its dependency graph are in place; its code comes with
 * the issues named above.
 */
package io.stepwise.api;
