package io.stepwise.api.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every gRPC call the api-server's Temporal client makes, as {@code <thread> <method>}, from the
 * moment of the last {@link #reset()}: what a request asked Temporal is what its thread called.
 */
@Singleton
public class TemporalCalls implements ClientInterceptor {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        calls.add(Thread.currentThread().getName() + " " + method.getBareMethodName());
        return next.newCall(method, options);
    }

    public void reset() {
        calls.clear();
    }

    /** The calls since the last reset. */
    public List<String> all() {
        return List.copyOf(calls);
    }

    /** The calls since the last reset, leaving out those made on threads whose name starts with {@code background}. */
    public List<String> except(String background) {
        return calls.stream().filter(c -> !c.startsWith(background)).toList();
    }
}
