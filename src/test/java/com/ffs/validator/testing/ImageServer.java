package com.ffs.validator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An in-process HTTP server for test images: {@code /images/<file>} serves {@code src/test/resources/images/<file>};
 * {@code /status/<code>} answers with that status; {@code /slow/<ms>/<file>} waits, then serves the image;
 * {@code /hold/<file>} waits until {@link #release()} after {@link #hold()}; anything else is 404.
 */
public final class ImageServer implements AutoCloseable {

    private final HttpServer server;
    private volatile CountDownLatch held = new CountDownLatch(0);

    public ImageServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/images/", this::image);
        server.createContext("/status/", this::status);
        server.createContext("/slow/", this::slow);
        server.createContext("/hold/", this::held);
        server.start();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** URL of a test image under {@code src/test/resources/images/}. */
    public String image(String path) {
        return baseUrl() + "/images/" + path;
    }

    private void image(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring("/images/".length());
        try (InputStream in = ImageServer.class.getResourceAsStream("/images/" + path)) {
            if (in == null || path.contains("..")) {
                send(exchange, 404, "text/plain", "not found".getBytes());
                return;
            }
            byte[] body = in.readAllBytes();
            send(exchange, 200, path.endsWith(".html") ? "text/html" : "application/octet-stream", body);
        }
    }

    private void status(HttpExchange exchange) throws IOException {
        int code = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
        send(exchange, code, "text/plain", ("status " + code).getBytes());
    }

    private void slow(HttpExchange exchange) throws IOException {
        String rest = exchange.getRequestURI().getPath().substring("/slow/".length());
        int slash = rest.indexOf('/');
        try {
            Thread.sleep(Long.parseLong(rest.substring(0, slash)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (InputStream in = ImageServer.class.getResourceAsStream("/images/" + rest.substring(slash + 1))) {
            if (in == null) {
                send(exchange, 404, "text/plain", "not found".getBytes());
            } else {
                send(exchange, 200, "image/png", in.readAllBytes());
            }
        }
    }

    /** From now on {@code /hold/} requests wait until {@link #release()} (at most 30 s). */
    public void hold() {
        held = new CountDownLatch(1);
    }

    /** Lets every waiting and later {@code /hold/} request through. */
    public void release() {
        held.countDown();
    }

    /** URL that serves a test image once {@link #release()} is called. */
    public String heldImage(String path) {
        return baseUrl() + "/hold/" + path;
    }

    private void held(HttpExchange exchange) throws IOException {
        try {
            held.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String path = exchange.getRequestURI().getPath().substring("/hold/".length());
        try (InputStream in = ImageServer.class.getResourceAsStream("/images/" + path)) {
            if (in == null) {
                send(exchange, 404, "text/plain", "not found".getBytes());
            } else {
                send(exchange, 200, "image/png", in.readAllBytes());
            }
        }
    }

    /** URL that serves a test image after {@code millis}. */
    public String slowImage(long millis, String path) {
        return baseUrl() + "/slow/" + millis + "/" + path;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
