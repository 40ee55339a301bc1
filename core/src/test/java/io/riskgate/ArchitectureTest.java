package io.riskgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layer rule of docs/architecture.md: the core knows git, files, numbers and policies, never Jenkins. */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.riskgate");

    @Test
    void coreImportsNothingFromJenkins() {
        assertThat(CORE.size()).as("core classes imported").isGreaterThan(20);
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..", "org.kohsuke..", "io.jenkins..")
                .because("core must stay usable outside Jenkins (the CLI, any CI)")
                .check(CORE);
    }

    @Test
    void domainPackagesHaveNoCycles() {
        slices().matching("io.riskgate.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void onlyTheReportAndPolicyPackagesUseJackson() {
        noClasses().that().resideInAnyPackage("io.riskgate.risk..", "io.riskgate.git..")
                .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..")
                .because("the domain is plain Java; parsing and rendering live at the edges")
                .check(CORE);
    }
}
