package com.ffs.validator.api;

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
     * Runs {@code onClose} once, on the event loop, if the request's connection closes before {@code answered}
     * completes; the watch is dropped with the answer, so a kept-alive connection collects no listeners.
     */
    static void watch(HttpServerRequest request, CompletionStage<?> answered, Runnable onClose) {
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
