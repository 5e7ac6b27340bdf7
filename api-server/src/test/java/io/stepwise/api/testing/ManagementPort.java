package io.stepwise.api.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.net.URI;

/** Requests to the management interface (health, metrics), which listens apart from the API. */
public final class ManagementPort {
    private ManagementPort() {
    }

    public static RequestSpecification given() {
        URI uri = URI.create(TestHTTPResourceManager.getManagementUri());
        return RestAssured.given().baseUri(uri.getScheme() + "://" + uri.getHost()).port(uri.getPort());
    }

    public static int port() {
        return URI.create(TestHTTPResourceManager.getManagementUri()).getPort();
    }
}
