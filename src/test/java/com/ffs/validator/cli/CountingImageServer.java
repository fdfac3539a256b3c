package com.ffs.validator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An in-process image server that records every request (path and query): {@code /img/<file>} serves
 * {@code src/test/resources/images/formats/<file>} at once, {@code /hold/<file>} only after {@link #release()}.
 */
final class CountingImageServer implements AutoCloseable {

    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Semaphore heldArrivals = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(1);

    CountingImageServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    /** URL of an image served at once; {@code tag} makes it distinct. */
    String image(String file, int tag) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/img/" + file + "?i=" + tag;
    }

    /** URL of an image served after {@link #release()}. */
    String held(String file, int tag) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hold/" + file + "?i=" + tag;
    }

    /** Every request so far, as path and query. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    void clear() {
        requests.clear();
    }

    /** Waits until {@code n} requests wait at the gate (counting from the last call). */
    boolean awaitHeld(int n, long seconds) throws InterruptedException {
        return heldArrivals.tryAcquire(n, seconds, TimeUnit.SECONDS);
    }

    /** Lets held requests through, now and later. */
    void release() {
        gate.countDown();
    }

    /** Holds {@code /hold/} requests again. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(path + (query == null ? "" : "?" + query));
        if (path.startsWith("/hold/")) {
            CountDownLatch current = gate;
            heldArrivals.release();
            try {
                current.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String file = path.substring(path.indexOf('/', 1) + 1);
        try (InputStream in = CountingImageServer.class.getResourceAsStream("/images/formats/" + file)) {
            byte[] body = in == null || file.contains("..") ? "not found".getBytes() : in.readAllBytes();
            exchange.sendResponseHeaders(in == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
