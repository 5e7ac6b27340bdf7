package io.stepwise.api.runs;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** ARCHITECTURE.md: the api-server is a Temporal client only; it never creates a worker, in any profile. */
class ApiServerIsAClientOnlyTest {

    @Test
    void noApiServerClassUsesTemporalWorkerTypes() {
        JavaClasses api = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.stepwise.api");
        assertThat(api).as("api-server classes").isNotEmpty();
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.temporal.worker..", "io.temporal.internal.worker..")
                .because("only the workflow-worker polls the authored task queue")
                .check(api);
    }

    /** runtime-core's internal packages are not part of what other modules may use. */
    @Test
    void noApiServerClassReachesIntoRuntimeCoreInternals() {
        JavaClasses api = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.stepwise.api", "io.stepwise.core");
        assertThat(api.stream().filter(c -> c.getPackageName().startsWith("io.stepwise.api")).count())
                .as("api-server classes").isPositive();
        assertThat(api.stream().filter(c -> c.getPackageName().contains(".internal.")).count())
                .as("runtime-core internal classes").isPositive();
        noClasses().that().resideInAPackage("io.stepwise.api..")
                .should().dependOnClassesThat().resideInAPackage("io.stepwise.core..internal..")
                .check(api);
    }
}
