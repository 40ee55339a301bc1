package io.jenkins.plugins.riskgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import hudson.model.Action;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.stapler.verb.POST;

/**
 * The plugin's conventions, checked on its classes: Jenkins itself is reached only through
 * {@link JenkinsFacade}; every form check and fill is POST-only and checks a permission; the helpers
 * pages call on actions are not API.
 */
class PluginArchitectureTest {
    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jenkins.plugins.riskgate");

    @Test
    void onlyTheFacadeCallsJenkinsGet() {
        assertThat(PLUGIN.size()).as("plugin classes imported").isGreaterThan(15);
        noClasses().that().doNotHaveFullyQualifiedName(JenkinsFacade.class.getName())
                .should().callMethod(Jenkins.class, "get").orShould().callMethod(Jenkins.class, "getInstanceOrNull")
                .orShould().callMethod(Jenkins.class, "getInstance")
                .because("JenkinsFacade is the one way to Jenkins, so the plugin's logic is testable without it")
                .check(PLUGIN);
    }

    @Test
    void formChecksAndFillsArePostOnlyAndCheckAPermission() {
        methods().that().haveNameMatching("do(Check|Fill)[A-Z].*")
                .should().beAnnotatedWith(POST.class).andShould(checkAPermission())
                .because("a form check runs on a URL anyone can call: it must neither act on GET nor answer who may not ask")
                .check(PLUGIN);
    }

    @Test
    void publicStaticHelpersOfActionsAreNotApi() {
        methods().that().areDeclaredInClassesThat().implement(Action.class).and().haveModifier(JavaModifier.PUBLIC)
                .and().haveModifier(JavaModifier.STATIC)
                .should().beAnnotatedWith(Restricted.class)
                .because("helpers for Jelly pages are @Restricted(NoExternalUse.class), not API other plugins may use")
                .check(PLUGIN);
    }

    private static ArchCondition<JavaMethod> checkAPermission() {
        DescribedPredicate<String> permissionCheck = DescribedPredicate.describe("a permission check",
                name -> name.equals("checkPermission") || name.equals("hasPermission") || name.equals("checkConfigure"));
        return new ArchCondition<>("check a permission") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                boolean checks = method.getMethodCallsFromSelf().stream().anyMatch(c -> permissionCheck.test(c.getTarget().getName()));
                events.add(new SimpleConditionEvent(method, checks, method.getFullName() + (checks ? " checks" : " does not check") + " a permission"));
            }
        };
    }
}
