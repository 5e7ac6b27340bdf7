package io.stepwise.api.definitions;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code stepwise.packs.watch=true}: a file written or changed under the packs root is loaded without any request. */
@QuarkusTest
@TestProfile(PackWatchTest.Watching.class)
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class PackWatchTest {

    public static class Watching implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stepwise.packs.watch", "true");
        }
    }

    @Test
    void writtenAndChangedFilesAreResyncedWithoutARequest() throws InterruptedException {
        TestPacks.write("watched", "auto.yaml", TestPacks.workflow("auto", "v1"));
        assertThat(waitForSeq("watched.auto", 1)).as("version 1 loaded by the watcher").isTrue();

        TestPacks.write("watched", "auto.yaml", TestPacks.workflow("auto", "v2"));
        assertThat(waitForSeq("watched.auto", 2)).as("version 2 loaded by the watcher").isTrue();
    }

    /** Polls until the ref's current version has {@code seq}; the bound only guards against a hang. */
    private static boolean waitForSeq(String ref, int seq) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Integer current = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/workflows/" + ref)
                    .then().extract().path("currentVersion.seq");
            if (current != null && current == seq) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
