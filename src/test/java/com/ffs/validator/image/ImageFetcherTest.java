package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.HostileImageServer;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;

/**
 * The fetcher against an in-process hostile server: every misbehaviour gives its own code, deadlines and the byte
 * cap hold, redirects are re-checked hop by hop, HTTPS verifies the host name while connecting to the checked IP.
 * Host names ending in {@code .test} resolve through a map in the test, never through DNS.
 */
class ImageFetcherTest {

    private static Vertx vertx;
    private HostileImageServer server;
    private final Map<String, InetAddress[]> dns = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final List<ImageFetcher> fetchers = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void start() throws Exception {
        server = new HostileImageServer();
        dns.put("images.test", new InetAddress[] { InetAddress.getByName("127.0.0.1") });
        dns.put("other.test", new InetAddress[] { InetAddress.getByName("127.0.0.1") });
    }

    @AfterEach
    void stop() {
        fetchers.forEach(ImageFetcher::close);
        server.close();
    }

    /** Test settings: small deadlines, loopback reachable only where the test says so. */
    record Settings(boolean allowPrivate, Optional<List<String>> allowedHosts, Duration connectTimeout, Duration readTimeout,
            Duration totalTimeout, Duration queueTimeout, long maxBytes, int maxRedirects, int maxConcurrent,
            int maxPerHost, int maxPerRequest, Optional<MemorySize> bodyMemory, String userAgent)
            implements
                FetchConfig {

        static Settings strict(String... allowed) {
            return new Settings(false, Optional.of(List.of(allowed)), Duration.ofSeconds(2), Duration.ofSeconds(2),
                    Duration.ofSeconds(5), Duration.ofSeconds(10), 1 << 20, 5, 64, 8, 64, Optional.empty(),
                    "ffs-validator-test/1");
        }

        static Settings open() {
            return strict().withAllowPrivate();
        }

        Settings withAllowPrivate() {
            return new Settings(true, allowedHosts, connectTimeout, readTimeout, totalTimeout, queueTimeout, maxBytes,
                    maxRedirects, maxConcurrent, maxPerHost, maxPerRequest, bodyMemory, userAgent);
        }

        Settings withTimeouts(Duration read, Duration total) {
            return new Settings(allowPrivate, allowedHosts, connectTimeout, read, total, queueTimeout, maxBytes,
                    maxRedirects, maxConcurrent, maxPerHost, maxPerRequest, bodyMemory, userAgent);
        }

        Settings withQueueTimeout(Duration queue) {
            return new Settings(allowPrivate, allowedHosts, connectTimeout, readTimeout, totalTimeout, queue, maxBytes,
                    maxRedirects, maxConcurrent, maxPerHost, maxPerRequest, bodyMemory, userAgent);
        }

        Settings withConcurrency(int global, int host) {
            return withConcurrency(global, host, maxPerRequest);
        }

        Settings withConcurrency(int global, int host, int request) {
            return new Settings(allowPrivate, allowedHosts, connectTimeout, readTimeout, totalTimeout, queueTimeout,
                    maxBytes, maxRedirects, global, host, request, bodyMemory, userAgent);
        }

        Settings withBodyMemory(long bytes, long cap) {
            return new Settings(allowPrivate, allowedHosts, connectTimeout, readTimeout, totalTimeout, queueTimeout,
                    cap, maxRedirects, maxConcurrent, maxPerHost, maxPerRequest,
                    Optional.of(new MemorySize(BigInteger.valueOf(bytes))), userAgent);
        }
    }

    ImageFetcher fetcher(FetchConfig config) {
        return fetcher(config, null);
    }

    ImageFetcher fetcher(FetchConfig config, PemTrustOptions trust) {
        ImageFetcher f = new ImageFetcher(vertx, config, host -> {
            lookups.incrementAndGet();
            InetAddress[] a = dns.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return a;
        }, trust);
        fetchers.add(f);
        return f;
    }

    /** The bytes of a download, its share of the body memory given back at once. */
    static CompletableFuture<byte[]> fetch(ImageFetcher f, String url) {
        return f.fetch(url, f.group()).thenApply(body -> {
            body.close();
            return body.bytes();
        });
    }

    static byte[] fetched(ImageFetcher f, String url) {
        return fetch(f, url).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** The error code and message a fetch fails with. */
    static IntakeException failure(ImageFetcher f, String url) {
        try {
            fetch(f, url).orTimeout(30, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(IntakeException.class);
            return (IntakeException) e.getCause();
        }
        throw new AssertionError("expected " + url + " to fail");
    }

    static void assertCode(IntakeException e, IntakeError code) {
        assertThat(e.error()).as(e.getMessage()).isEqualTo(code);
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldFetchAnImageWithItsUserAgent() {
        byte[] body = fetched(fetcher(Settings.open()), url("/image/formats/red.png"));
        assertThat(ImageFormat.sniff(body)).isEqualTo(ImageFormat.PNG);
        assertThat(server.lastHeaders).containsEntry("user-agent", "ffs-validator-test/1");
        assertThat(server.lastHeaders.get("host")).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void shouldTakeTheBytesWhateverTheContentTypeSays() {
        byte[] body = fetched(fetcher(Settings.open()), url("/wrong-type/formats/green.jpg"));
        assertThat(ImageFormat.sniff(body)).isEqualTo(ImageFormat.JPEG);
    }

    @Test
    void shouldReuseConnections() {
        ImageFetcher f = fetcher(Settings.open());
        for (int i = 0; i < 10; i++) {
            fetched(f, url("/image/formats/red.png"));
        }
        assertThat(server.requests.get()).isEqualTo(10);
        // Usually one; a request may race the previous connection's return to the pool.
        assertThat(server.connections.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void shouldReportHttpErrorsWithTheirStatus() {
        ImageFetcher f = fetcher(Settings.open());
        IntakeException notFound = failure(f, url("/status/404"));
        assertCode(notFound, IntakeError.FETCH_HTTP_STATUS);
        assertThat(notFound.getMessage()).contains("404");
        IntakeException serverError = failure(f, url("/status/500"));
        assertCode(serverError, IntakeError.FETCH_HTTP_STATUS);
        assertThat(serverError.getMessage()).contains("500");
        assertCode(failure(f, url("/status/304")), IntakeError.FETCH_HTTP_STATUS);
    }

    @Test
    void shouldCutASlowDripAtTheTotalDeadline() {
        // Each byte arrives well inside the read timeout; only the total deadline can stop this.
        ImageFetcher f = fetcher(Settings.open().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(1200)));
        long start = System.nanoTime();
        IntakeException e = failure(f, url("/drip/100/formats/red.png"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertCode(e, IntakeError.FETCH_TIMEOUT);
        assertThat(millis).isBetween(1100L, 4000L);
    }

    @Test
    void shouldCutASilentServerAtTheReadTimeout() {
        ImageFetcher f = fetcher(Settings.open().withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(20)));
        long start = System.nanoTime();
        assertCode(failure(f, url("/silent/5000/formats/red.png")), IntakeError.FETCH_TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000L);
    }

    @Test
    void shouldCutABodyThatFallsSilentAtTheReadTimeout() {
        // Headers arrive at once, then one byte every 3 s: the silence inside the body is cut, not only the total.
        ImageFetcher f = fetcher(Settings.open().withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(60)));
        IntakeException e = failure(f, url("/drip/3000/formats/red.png"));
        assertCode(e, IntakeError.FETCH_TIMEOUT);
        assertThat(e.getMessage()).contains("sent nothing for 500 ms");
    }

    @Test
    void shouldStopAnEndlessBodyAtTheByteCap() {
        IntakeException e = failure(fetcher(Settings.open()), url("/endless"));
        assertCode(e, IntakeError.FETCH_TOO_LARGE);
    }

    @Test
    void shouldEnforceTheByteCapWithoutAContentLength() {
        ImageFetcher f = fetcher(Settings.open());
        assertCode(failure(f, url("/close-delimited/5000000")), IntakeError.FETCH_TOO_LARGE);
        assertThat(fetched(f, url("/close-delimited/1000"))).hasSize(1000);
    }

    @Test
    void shouldRefuseADeclaredLengthAboveTheCapBeforeReading() {
        assertCode(failure(fetcher(Settings.open()), url("/huge-length")), IntakeError.FETCH_TOO_LARGE);
    }

    @Test
    void shouldReadNoMoreThanALyingShortContentLength() {
        byte[] body = fetched(fetcher(Settings.open()), url("/short-length/100/golden/rgb_333x500.png"));
        assertThat(body).hasSize(100);
        // What arrives is a truncated image, which the decoder refuses.
        assertThat(ImageFormat.sniff(body)).isEqualTo(ImageFormat.PNG);
    }

    @Test
    void shouldFailALyingLongContentLength() {
        assertCode(failure(fetcher(Settings.open()), url("/long-length/formats/red.png")), IntakeError.FETCH_FAILED);
    }

    @Test
    void shouldFollowUpToFiveRedirects() {
        ImageFetcher f = fetcher(Settings.open());
        assertThat(ImageFormat.sniff(fetched(f, url("/redirect/5/formats/red.png")))).isEqualTo(ImageFormat.PNG);
        IntakeException tooMany = failure(f, url("/redirect/6/formats/red.png"));
        assertCode(tooMany, IntakeError.FETCH_HTTP_STATUS);
        assertThat(tooMany.getMessage()).contains("redirects");
    }

    @Test
    void shouldStopARedirectLoop() {
        assertCode(failure(fetcher(Settings.open()), url("/loop")), IntakeError.FETCH_HTTP_STATUS);
        assertThat(server.paths).hasSize(6);
    }

    /**
     * A server that keeps a connection alive after one answer, then closes it when the next request arrives on it (as
     * servers do when their keep-alive timeout ends as the request is under way); a new connection is answered.
     */
    private static final class ClosesReusedConnections implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor = Thread.ofPlatform().daemon(true).start(this::accept);

        ClosesReusedConnections() throws IOException {
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections.incrementAndGet();
                    Thread.ofPlatform().daemon(true).start(() -> serve(connection));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                readHead(in);
                byte[] png = Files.readAllBytes(Path.of("src/test/resources/images/formats/red.png"));
                OutputStream out = connection.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: " + png.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(png);
                out.flush();
                // The second request on this connection: closed without an answer.
                readHead(in);
            } catch (IOException e) {
                // The client went away.
            }
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = { '\r', '\n', '\r', '\n' };
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/red.png";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void shouldRetryOnceWhenAReusedConnectionIsClosedBeforeAnswering() throws Exception {
        ImageFetcher f = fetcher(Settings.open());
        try (ClosesReusedConnections closing = new ClosesReusedConnections()) {
            byte[] first = fetched(f, closing.url());
            // The pooled connection is reused, closed by the server, and the request goes again on a new one.
            assertThat(fetched(f, closing.url())).isEqualTo(first);
            assertThat(closing.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void shouldCheckEveryRedirectHop() {
        // The first host is allowlisted by name; the hops it redirects to are judged on their own.
        ImageFetcher f = fetcher(Settings.strict("images.test"));
        String start = server.baseUrl("images.test");
        assertThat(fetched(f, start + "/image/formats/red.png")).isNotEmpty();
        for (String target : List.of("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:" + server.port()
                + "/image/formats/red.png", "http://[::1]/", "http://0x7f.1/", "http://10.0.0.1/",
                "http://[::ffff:192.168.0.1]/")) {
            IntakeException e = failure(f, start + "/redirect-to?location="
                    + URLEncoder.encode(target, StandardCharsets.UTF_8));
            assertThat(e.error() + " " + e.getMessage()).as(target).startsWith("FETCH_BLOCKED");
        }
        assertCode(failure(f, start + "/redirect-to?location=" + URLEncoder.encode("file:///etc/passwd",
                StandardCharsets.UTF_8)), IntakeError.INVALID_URL);
        assertCode(failure(f, start + "/redirect-to?location=" + URLEncoder.encode("gopher://images.test/",
                StandardCharsets.UTF_8)), IntakeError.INVALID_URL);
    }

    @Test
    void shouldRefusePrivateDestinationsUnlessAllowed() {
        ImageFetcher strict = fetcher(Settings.strict());
        assertCode(failure(strict, url("/image/formats/red.png")), IntakeError.FETCH_BLOCKED);
        assertCode(failure(strict, server.baseUrl("images.test") + "/image/formats/red.png"),
                IntakeError.FETCH_BLOCKED);
        assertThat(server.requests.get()).isZero();

        assertThat(fetched(fetcher(Settings.strict("127.0.0.0/8")), url("/image/formats/red.png"))).isNotEmpty();
        assertThat(fetched(fetcher(Settings.strict("*.test")), server.baseUrl("images.test")
                + "/image/formats/red.png")).isNotEmpty();
        assertThat(fetched(fetcher(Settings.strict().withAllowPrivate()), url("/image/formats/red.png"))).isNotEmpty();
    }

    @Test
    void shouldRefuseAHostThatResolvesToAnyRefusedAddress() throws Exception {
        dns.put("rebind.test", new InetAddress[] { InetAddress.getByName("93.184.216.34"),
                InetAddress.getByName("127.0.0.1") });
        dns.put("metadata.test", new InetAddress[] { InetAddress.getByName("169.254.169.254") });
        ImageFetcher strict = fetcher(Settings.strict());
        IntakeException rebind = failure(strict, "http://rebind.test:" + server.port() + "/image/formats/red.png");
        assertCode(rebind, IntakeError.FETCH_BLOCKED);
        assertThat(rebind.getMessage()).contains("loopback").doesNotContain("127.0.0.1");
        assertCode(failure(strict, "http://metadata.test/latest/meta-data/"), IntakeError.FETCH_BLOCKED);
        assertThat(server.requests.get()).isZero();
    }

    @Test
    void shouldResolveOnceAndConnectToTheCheckedAddress() {
        ImageFetcher f = fetcher(Settings.strict("127.0.0.1/32"));
        lookups.set(0);
        assertThat(fetched(f, server.baseUrl("images.test") + "/image/formats/red.png")).isNotEmpty();
        // One lookup, and the request went to the address it returned with the name in the Host header.
        assertThat(lookups.get()).isEqualTo(1);
        assertThat(server.lastHeaders.get("host")).isEqualTo("images.test:" + server.port());
    }

    @Test
    void shouldSayWhenAHostDoesNotResolveOrRefusesConnections() throws Exception {
        ImageFetcher f = fetcher(Settings.open());
        assertCode(failure(f, "http://nowhere.test/x.png"), IntakeError.FETCH_FAILED);
        int closedPort;
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        assertCode(failure(f, "http://127.0.0.1:" + closedPort + "/x.png"), IntakeError.FETCH_FAILED);
    }

    @Test
    void shouldRefuseOtherSchemesAndCredentials() {
        ImageFetcher f = fetcher(Settings.open());
        for (String url : List.of("ftp://example.com/a.png", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)",
                "http://user:pass@example.com/a.png", "http:///a.png", "http://exa mple.com/")) {
            assertCode(failure(f, url), IntakeError.INVALID_URL);
        }
    }

    @Test
    void shouldCapDownloadsPerHost() {
        ImageFetcher f = fetcher(Settings.open().withConcurrency(64, 2));
        List<CompletableFuture<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(fetch(f, url("/hold/300/formats/red.png")));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(server.maxHolding.get()).isEqualTo(2);
    }

    @Test
    void shouldCapDownloadsGloballyAcrossHosts() {
        ImageFetcher f = fetcher(Settings.open().withConcurrency(3, 8));
        List<CompletableFuture<byte[]>> all = new ArrayList<>();
        for (String host : List.of("images.test", "other.test", "127.0.0.1")) {
            for (int i = 0; i < 3; i++) {
                all.add(fetch(f, server.baseUrl(host) + "/hold/300/formats/red.png"));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(server.maxHolding.get()).isEqualTo(3);
    }

    @Test
    void shouldNotLetASlowHostHoldEveryGlobalSlot() throws Exception {
        // Global cap 4, per host 2: a slow host with many queued images takes 2 slots, another machine still gets 2.
        try (HostileImageServer other = new HostileImageServer(null, "127.0.0.2")) {
            ImageFetcher f = fetcher(Settings.open().withConcurrency(4, 2));
            List<CompletableFuture<byte[]>> slow = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                slow.add(fetch(f, url("/gate/formats/red.png")));
            }
            assertThat(f.downloading()).isEqualTo(2);

            assertThat(fetched(f, other.baseUrl() + "/image/formats/red.png")).isNotEmpty();

            assertThat(slow).noneMatch(CompletableFuture::isDone);
            server.openGate();
            CompletableFuture.allOf(slow.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void shouldKeyTheHostCapOnTheServersAddressWhateverItsPortsAndNames() throws Exception {
        try (HostileImageServer samePlace = new HostileImageServer()) {
            ImageFetcher f = fetcher(Settings.open().withConcurrency(64, 2));
            List<CompletableFuture<byte[]>> all = new ArrayList<>();
            for (String base : List.of(server.baseUrl(), samePlace.baseUrl(), server.baseUrl("images.test"),
                    samePlace.baseUrl("other.test"))) {
                all.add(fetch(f, base + "/gate/formats/red.png"));
                all.add(fetch(f, base + "/gate/formats/red.png"));
            }
            awaitTrue(() -> server.atGate.get() + samePlace.atGate.get() == 2);

            assertThat(f.downloading()).isEqualTo(2);

            server.openGate();
            samePlace.openGate();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(f.downloading()).isZero();
        }
    }

    @Test
    void shouldLetOneRequestHoldAtMostItsShareOfTheSlots() {
        ImageFetcher f = fetcher(Settings.open().withConcurrency(64, 64, 3));
        FetchGroup greedy = f.group();
        List<CompletableFuture<ImageBody>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(f.fetch(url("/gate/formats/red.png"), greedy));
        }
        assertThat(f.downloading()).isEqualTo(3);

        all.add(f.fetch(url("/gate/formats/red.png"), f.group()));
        assertThat(f.downloading()).isEqualTo(4);
        awaitTrue(() -> server.atGate.get() == 4);

        server.openGate();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        all.forEach(b -> b.join().close());
        assertThat(server.maxHolding.get()).isEqualTo(4);
        assertThat(f.downloading()).isZero();
    }

    @Test
    void shouldBoundTheWaitForASlotOnItsOwnAndSayWhy() {
        ImageFetcher f = fetcher(Settings.open().withConcurrency(64, 1).withQueueTimeout(Duration.ofMillis(300)));
        CompletableFuture<byte[]> first = fetch(f, url("/gate/formats/red.png"));

        IntakeException e = failure(f, url("/image/formats/red.png"));

        assertCode(e, IntakeError.FETCH_TIMEOUT);
        assertThat(e.getMessage()).contains("waited 300 ms for a download slot");
        assertThat(first).isNotDone();
        server.openGate();
        assertThat(first.orTimeout(30, TimeUnit.SECONDS).join()).isNotEmpty();
        assertThat(f.downloading()).isZero();
    }

    @Test
    void shouldStartAnImagesDeadlineWhenItGetsItsSlot() {
        // One slot per host: the second image waits while the first uses up its whole deadline.
        ImageFetcher f = fetcher(Settings.open().withConcurrency(64, 1).withTimeouts(Duration.ofSeconds(5),
                Duration.ofSeconds(1)));
        CompletableFuture<byte[]> first = fetch(f, url("/gate/formats/red.png"));
        CompletableFuture<byte[]> second = fetch(f, url("/image/formats/red.png"));

        assertThat(second.orTimeout(30, TimeUnit.SECONDS).join()).isNotEmpty();
        assertThatFetchFails(first, IntakeError.FETCH_TIMEOUT);
    }

    @Test
    void shouldPauseDownloadsWhileFetchedBodiesFillTheirMemoryAndGoOnAsTheyAreDecoded() {
        byte[] image = ImageSourceTest.png();
        long size = image.length;
        // Room for two bodies; finished bodies are not closed (not yet decoded), so the third download pauses.
        ImageFetcher f = fetcher(Settings.open().withBodyMemory(2 * size + size / 2, size));
        List<CompletableFuture<ImageBody>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(f.fetch(url("/image/golden/rgb_1x1.png"), f.group()));
        }
        awaitTrue(() -> all.stream().filter(CompletableFuture::isDone).count() == 2 && f.bodyBytesHeld() > 2 * size);
        assertThat(all.stream().filter(CompletableFuture::isDone).count()).isEqualTo(2);

        all.stream().filter(CompletableFuture::isDone).forEach(b -> b.join().close());

        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        all.forEach(b -> {
            assertThat(b.join().bytes()).isEqualTo(image);
            b.join().close();
        });
        assertThat(f.bodyBytesHeld()).isZero();
    }

    static void assertThatFetchFails(CompletableFuture<?> f, IntakeError code) {
        try {
            f.orTimeout(30, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            assertCode((IntakeException) e.getCause(), code);
            return;
        }
        throw new AssertionError("expected " + code);
    }

    /** Waits for a condition the code under test reaches on its own threads; fails after 10 s. */
    static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // TLS: the connection goes to the checked IP, the certificate is still verified for the host name

    static PemTrustOptions trustTestCertificates() throws Exception {
        PemTrustOptions trust = new PemTrustOptions();
        for (String name : List.of("images.test", "other.test")) {
            try (var in = ImageFetcherTest.class.getResourceAsStream("/tls/" + name + ".pem")) {
                trust.addCertValue(Buffer.buffer(in.readAllBytes()));
            }
        }
        return trust;
    }

    @Test
    void shouldVerifyTheCertificateForTheHostNameAndSendSni() throws Exception {
        try (HostileImageServer tls = new HostileImageServer("/tls/images.test.p12")) {
            ImageFetcher f = fetcher(Settings.strict("127.0.0.1/32"), trustTestCertificates());
            byte[] body = fetched(f, tls.baseUrl("images.test") + "/image/formats/red.png");
            assertThat(ImageFormat.sniff(body)).isEqualTo(ImageFormat.PNG);
            assertThat(tls.serverNames).contains("images.test");
        }
    }

    @Test
    void shouldRefuseACertificateForAnotherHost() throws Exception {
        try (HostileImageServer tls = new HostileImageServer("/tls/other.test.p12")) {
            ImageFetcher f = fetcher(Settings.strict("127.0.0.1/32"), trustTestCertificates());
            IntakeException e = failure(f, tls.baseUrl("images.test") + "/image/formats/red.png");
            assertCode(e, IntakeError.FETCH_FAILED);
            assertThat(tls.requests.get()).isZero();
        }
    }

    @Test
    void shouldRefuseAnUntrustedCertificate() throws Exception {
        try (HostileImageServer tls = new HostileImageServer("/tls/images.test.p12")) {
            // The JDK's default trust store does not know the test certificate.
            ImageFetcher f = fetcher(Settings.strict("127.0.0.1/32"));
            assertCode(failure(f, tls.baseUrl("images.test") + "/image/formats/red.png"), IntakeError.FETCH_FAILED);
            assertThat(tls.requests.get()).isZero();
        }
    }
}
