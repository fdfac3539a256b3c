package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.HostileImageServer;

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
        dns.put("images.test", new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        dns.put("other.test", new InetAddress[] {InetAddress.getByName("127.0.0.1")});
    }

    @AfterEach
    void stop() {
        fetchers.forEach(ImageFetcher::close);
        server.close();
    }

    /** Test settings: small deadlines, loopback reachable only where the test says so. */
    record Settings(boolean allowPrivate, Optional<List<String>> allowedHosts, Duration connectTimeout, Duration readTimeout,
            Duration totalTimeout, long maxBytes, int maxRedirects, int maxConcurrent, int maxPerHost,
            String userAgent) implements FetchConfig {

        static Settings strict(String... allowed) {
            return new Settings(false, Optional.of(List.of(allowed)), Duration.ofSeconds(2), Duration.ofSeconds(2),
                    Duration.ofSeconds(5), 1 << 20, 5, 64, 8, "ffs-validator-test/1");
        }

        static Settings open() {
            return strict().withAllowPrivate();
        }

        Settings withAllowPrivate() {
            return new Settings(true, allowedHosts, connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects,
                    maxConcurrent, maxPerHost, userAgent);
        }

        Settings withTimeouts(Duration read, Duration total) {
            return new Settings(allowPrivate, allowedHosts, connectTimeout, read, total, maxBytes, maxRedirects,
                    maxConcurrent, maxPerHost, userAgent);
        }

        Settings withConcurrency(int global, int host) {
            return new Settings(allowPrivate, allowedHosts, connectTimeout, readTimeout, totalTimeout, maxBytes,
                    maxRedirects, global, host, userAgent);
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

    static byte[] fetched(ImageFetcher f, String url) {
        return f.fetch(url).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** The error code and message a fetch fails with. */
    static IntakeException failure(ImageFetcher f, String url) {
        try {
            f.fetch(url).orTimeout(30, TimeUnit.SECONDS).join();
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
            assertCode(e, IntakeError.FETCH_BLOCKED);
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
        dns.put("rebind.test", new InetAddress[] {InetAddress.getByName("93.184.216.34"),
                InetAddress.getByName("127.0.0.1")});
        dns.put("metadata.test", new InetAddress[] {InetAddress.getByName("169.254.169.254")});
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
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
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
            all.add(f.fetch(url("/hold/300/formats/red.png")));
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
                all.add(f.fetch(server.baseUrl(host) + "/hold/300/formats/red.png"));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(server.maxHolding.get()).isEqualTo(3);
    }

    @Test
    void shouldNotLetASlowHostHoldEveryGlobalSlot() throws Exception {
        // Global cap 4, per host 2: a slow host with many queued images takes 2 slots, the other host still gets 2.
        ImageFetcher f = fetcher(Settings.open().withConcurrency(4, 2));
        List<CompletableFuture<byte[]>> slow = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            slow.add(f.fetch(server.baseUrl("images.test") + "/hold/1000/formats/red.png"));
        }
        Thread.sleep(200);
        long start = System.nanoTime();
        fetched(f, server.baseUrl("other.test") + "/image/formats/red.png");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000L);
        CompletableFuture.allOf(slow.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
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
