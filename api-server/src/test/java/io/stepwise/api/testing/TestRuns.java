package io.stepwise.api.testing;

import static io.restassured.RestAssured.given;

/** Waiting for a run through the API, as an operator would: polling its document. */
public final class TestRuns {
    private TestRuns() {
    }

    /** Polls {@code GET /runs/{id}} every 100 ms for up to 60 s; answers whether the run reached {@code status}. */
    public static boolean waitFor(String runId, String status) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String now = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + runId)
                    .then().statusCode(200).extract().path("status");
            if (status.equals(now)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
