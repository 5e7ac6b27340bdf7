package io.stepwise.bootstrap.temporal;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.crypto.EncryptionCodec;
import io.stepwise.core.crypto.Keyring;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.GrpcCompression;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.grpc.ClientInterceptor;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Temporal client both services use. Connecting is lazy: a service starts while Temporal is down.
 * Every gRPC {@link ClientInterceptor} bean sees its calls (tests count them with one).
 */
public class TemporalClientProducer {

    @Produces
    @Singleton
    WorkflowServiceStubs serviceStubs(TemporalConfig config, Instance<ClientInterceptor> interceptors) {
        return WorkflowServiceStubs.newServiceStubs(options(config)
                .setGrpcClientInterceptors(interceptors.stream().toList()).build());
    }

    /** The connection settings both services use; the worker adds its own interceptors to them. */
    public static WorkflowServiceStubsOptions.Builder options(TemporalConfig config) {
        return WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.target())
                .setRpcTimeout(config.rpcTimeout())
                .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(config.rpcTimeout())
                        .validateBuildWithDefaults())
                .setConnectionBackoffResetFrequency(config.reconnectBackoffReset())
                .setGrpcCompression(compression(config.compression()));
    }

    static GrpcCompression compression(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "gzip" -> GrpcCompression.GZIP;
            case "none" -> GrpcCompression.NONE;
            default -> throw new IllegalArgumentException(
                    "stepwise.temporal.compression must be gzip or none, not '" + name + "'");
        };
    }

    @Produces
    @Singleton
    WorkflowClient workflowClient(WorkflowServiceStubs stubs, TemporalConfig config, Keyring keyring) {
        return WorkflowClient.newInstance(stubs, clientOptions(config, keyring).build());
    }

    /** The client settings both services use: the namespace, and every payload encrypted (docs/security.md). */
    public static WorkflowClientOptions.Builder clientOptions(TemporalConfig config, Keyring keyring) {
        return WorkflowClientOptions.newBuilder().setNamespace(config.namespace())
                .setDataConverter(EncryptionCodec.dataConverter(keyring));
    }

    void close(@Disposes WorkflowServiceStubs stubs) {
        stubs.shutdown();
    }
}
