/**
 * Wiring shared by both services: config, Temporal client, persistence, migrations, queue lease (issues 4 and 5).
 * The module exists so that the build and its dependency graph are in place; its code comes with
 * the issues named above.
 */
package io.stepwise.bootstrap;
