package com.ffs.validator.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Notices a caller that closes its connection before its answer. Quarkus REST keeps Vert.x's own close handlers of a
 * request that is being served for itself, so the connection's channel is watched directly; {@code CancellationTests}
 * proves it still works after an upgrade.
 */
final class CallerConnection {

    private CallerConnection() {
    }

    /**
     * The answer to hand Quarkus REST for a request whose work {@code leave} stops: {@code leave} runs when the caller
     * closes its connection first, whether the close is seen here or Quarkus REST cancels the answer it was handed (it
     * does when it sees the close first). The answer is a copy of {@code result}: a cancel of the request's own result
     * would end the watch and leave the work running.
     */
    static <T> CompletionStage<T> answer(HttpServerRequest request, CompletableFuture<T> result, Runnable leave) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        result.whenComplete((value, error) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            } else {
                answer.complete(value);
            }
        });
        answer.whenComplete((value, error) -> {
            if (answer.isCancelled()) {
                leave.run();
            }
        });
        watch(request, result, leave);
        return answer;
    }

    /**
     * Runs {@code onClose} once, on the event loop, if the request's connection closes before {@code answered}
     * completes; the watch is dropped with the answer, so a kept-alive connection collects no listeners.
     */
    private static void watch(HttpServerRequest request, CompletionStage<?> answered, Runnable onClose) {
        if (!(request.connection() instanceof ConnectionBase connection)) {
            Log.debugf("Cannot watch a %s for its caller leaving", request.connection().getClass().getSimpleName());
            return;
        }
        ChannelFuture closed = connection.channel().closeFuture();
        GenericFutureListener<Future<Void>> listener = f -> onClose.run();
        closed.addListener(listener);
        answered.whenComplete((v, e) -> closed.removeListener(listener));
    }
}
