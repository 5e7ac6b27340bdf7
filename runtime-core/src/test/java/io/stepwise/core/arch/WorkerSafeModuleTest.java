package io.stepwise.core.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** ARCHITECTURE.md, "Modules": runtime-core must load in a bare JVM, so it uses no framework or database type. */
class WorkerSafeModuleTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.stepwise.core");

    @Test
    void runtimeCoreImportsNoQuarkusCdiJpaJaxRsOrJdbcType() {
        assertThat(CORE).as("classes imported from runtime-core").isNotEmpty();
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..",
                        "jakarta.enterprise..", "javax.enterprise..",
                        "jakarta.inject..", "javax.inject..",
                        "jakarta.persistence..", "javax.persistence..", "org.hibernate..",
                        "jakarta.ws.rs..", "javax.ws.rs..", "org.jboss.resteasy..",
                        "java.sql..", "javax.sql..", "org.postgresql..", "org.flywaydb..")
                .because("runtime-core is worker-safe: plain Java, Temporal SDK, Jackson, CEL and slf4j only")
                .check(CORE);
    }
}
