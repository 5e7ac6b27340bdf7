package io.stepwise.api.runs;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.api.definitions.Roles;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** {@code POST /api/v1/events}: delivers an event to every run waiting on it (API.md, "Runs"). */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    public record EventRequest(String name, String correlationKey, JsonNode payload, String id) {
    }

    public record EventResult(List<String> signaled, List<String> launched) {
    }

    private final EventService events;
    private final SecurityIdentity identity;

    public EventResource(EventService events, SecurityIdentity identity) {
        this.events = events;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "postEvent", summary = "Post an event",
            description = "Signals every active run waiting for this event (and key), and launches the workflows it triggers. An event id already seen is not delivered again.")
    @Tag(name = "Events")
    @APIResponse(responseCode = "202", description = "Which runs were signalled and which launched", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventResource.EventResult.class)))
    @APIResponse(responseCode = "400", description = "name is missing or a field is not valid")
    @APIResponse(responseCode = "409", description = "A triggered workflow cannot be launched")
    @APIResponse(responseCode = "429", description = "A triggered workflow's concurrency limit is reached")
    @APIResponse(responseCode = "503", description = "Temporal cannot be reached")
    public Response post(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EventRequest.class),
            examples = @ExampleObject(name = "ticket", summary = "A ticket was created",
                    value = "{\"name\": \"ticket.created\", \"id\": \"evt-7\", \"correlationKey\": \"T-42\", \"payload\": {\"priority\": 2}}")))
                         EventRequest request) {
        if (request == null || request.name() == null || request.name().isBlank()) {
            throw new ApiException.BadRequest("'name' is required", List.of(Problem.Error.ofField("name", "required")));
        }
        RequestChecks.start().text("name", request.name()).key("id", request.id())
                .key("correlationKey", request.correlationKey()).payload("payload", request.payload()).orThrow();
        EventService.Delivery delivery = events.handle(request.id(), request.name(), request.correlationKey(),
                request.payload(), identity.getPrincipal().getName());
        return Response.accepted(new EventResult(delivery.signaled(), delivery.launched())).build();
    }
}
