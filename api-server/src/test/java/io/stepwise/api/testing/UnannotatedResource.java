package io.stepwise.api.testing;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Test-only: an endpoint whose author forgot the role annotation. With
 * {@code quarkus.security.jaxrs.deny-unannotated-endpoints} it must be closed to everyone.
 */
@Path("/api/v1/test-only/unannotated")
public class UnannotatedResource {
    @GET
    // not part of the API: kept out of the OpenAPI document the tests compare with docs/openapi.yaml
    @org.eclipse.microprofile.openapi.annotations.Operation(hidden = true)
    @Produces(MediaType.TEXT_PLAIN)
    public String open() {
        return "anyone may read this";
    }
}
