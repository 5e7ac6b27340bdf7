/**
 * The only process that polls the authored task queue: runs the interpreter and its activities (issue 5).
 * The module exists so that the build and its dependency graph are in place; its code comes with
 * the issues named above.
 */
package io.stepwise.worker;
