package com.ffs.validator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

class CallerConnectionTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A request received on a connection the test holds open. */
    private HttpServerRequest request(Socket socket) throws Exception {
        CompletableFuture<HttpServerRequest> received = new CompletableFuture<>();
        HttpServer server = vertx.createHttpServer().requestHandler(received::complete);
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return received.get(10, TimeUnit.SECONDS);
    }

    @Test
    void whenQuarkusCancelsTheAnswerItWasHandedTheWorkShouldStop() throws Exception {
        try (Socket socket = new Socket()) {
            HttpServerRequest request = request(socket);
            CompletableFuture<String> result = new CompletableFuture<>();
            CountDownLatch left = new CountDownLatch(1);

            CompletionStage<String> answer = CallerConnection.answer(request, result, left::countDown);
            // What Quarkus REST does when it sees the caller's connection close before the watch does.
            answer.toCompletableFuture().cancel(true);

            assertThat(left.getCount()).as("the work is told to stop").isZero();
            assertThat(result).as("the request's own result is left to the work").isNotDone();
        }
    }

    @Test
    void theAnswerShouldCarryTheResultOrItsFailureUnwrapped() throws Exception {
        try (Socket socket = new Socket()) {
            HttpServerRequest request = request(socket);
            CompletableFuture<String> ok = new CompletableFuture<>();
            CompletableFuture<String> failed = new CompletableFuture<>();
            CompletionStage<String> okAnswer = CallerConnection.answer(request, ok, () -> {
            });
            CompletionStage<String> failedAnswer = CallerConnection.answer(request, failed, () -> {
            });
            IllegalStateException failure = new IllegalStateException("refused");

            ok.complete("done");
            failed.completeExceptionally(failure);

            assertThat(okAnswer.toCompletableFuture().get()).isEqualTo("done");
            assertThat(failedAnswer.toCompletableFuture()).isCompletedExceptionally();
            failedAnswer.toCompletableFuture().handle((v, e) -> assertThat(e).isSameAs(failure)).get();
        }
    }

    @Test
    void aCallerWhoLeftBeforeTheWatchBeganShouldStillBeNoticed() throws Exception {
        HttpServerRequest request;
        try (Socket socket = new Socket()) {
            request = request(socket);
        }
        // As with a blocking resource that starts after its caller has gone: the connection closes first.
        ((ConnectionBase) request.connection()).channel().closeFuture().await(10, TimeUnit.SECONDS);

        CountDownLatch noticed = new CountDownLatch(1);
        CallerConnection.answer(request, new CompletableFuture<Void>(), noticed::countDown);

        assertThat(noticed.await(5, TimeUnit.SECONDS)).as("the departed caller is noticed").isTrue();
    }
}
