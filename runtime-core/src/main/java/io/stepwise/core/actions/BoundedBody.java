package io.stepwise.core.actions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a limit: a larger body (by its Content-Length, or as it
 * arrives) cancels the exchange at once, so no more than the limit is ever held.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body passed the limit; the request that read it is abandoned. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("response body larger than " + limit + " bytes");
        }
    }

    private final long limit;
    private final long declared;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private BoundedBody(long limit, long declared) {
        this.limit = limit;
        this.declared = declared;
    }

    /**
     * {@code head}: the request was a HEAD, whose Content-Length is the size of a body that is not
     * sent; so is that of a 204 or 304. Those lengths are not held against the limit.
     */
    static HttpResponse.BodyHandler<byte[]> handler(long limit, boolean head) {
        return info -> {
            boolean bodiless = head || info.statusCode() == 204 || info.statusCode() == 304;
            long declared = bodiless ? -1 : info.headers().firstValueAsLong("content-length").orElse(-1);
            return new BoundedBody(limit, declared);
        };
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (declared > limit) {
            subscription.cancel();
            result.completeExceptionally(new TooLarge(limit));
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (bytes.size() + (long) buffer.remaining() > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
