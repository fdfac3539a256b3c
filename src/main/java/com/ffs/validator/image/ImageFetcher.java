package com.ffs.validator.image;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;

/**
 * Fetches image URLs on non-blocking I/O without letting a URL reach what it must not, or one caller crowd out the
 * others.
 *
 * <ul>
 * <li>The host is resolved here and every address it resolves to is checked against the {@link AddressPolicy};
 * the connection then goes to the checked address ({@link RequestOptions#setServer}), while the Host header,
 * SNI and certificate verification still use the host name. DNS rebinding has no window.</li>
 * <li>Redirects are followed by hand, each hop parsed and checked the same way, at most
 * {@code validator.fetch.max-redirects}.</li>
 * <li>Slots: an image first takes one of its request's slots ({@code max-per-request}), then one of its server's
 * ({@code max-per-host}, keyed on the server's address, so ports and names of one machine share it), then a
 * global one ({@code max-concurrent}). The wait for slots is bounded on its own ({@code queue-timeout}); the
 * image's own deadline ({@code total-timeout}) starts once it holds them.</li>
 * <li>Connect, read-silence and total deadlines; the byte cap is enforced while streaming, whatever
 * Content-Length says, and the body grows with what arrives. Bodies hold a share of
 * {@code validator.fetch.body-memory} until decoded; while it is spent, downloads pause.</li>
 * </ul>
 */
@ApplicationScoped
public class ImageFetcher {

    /** Resolves a host name to its addresses; blocking, called off the event loop. */
    @FunctionalInterface
    interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Redirect and error bodies up to this size are read and dropped, keeping the connection. */
    private static final long SMALL_BODY = 16 * 1024;

    private final FetchConfig config;
    private final AddressPolicy policy;
    private final Vertx vertx;
    private final HttpClient client;
    private final HostResolver resolver;
    private final ExecutorService lookups;
    private final AsyncPermits global;
    private final Map<String, AsyncPermits> perHost = new ConcurrentHashMap<>();
    private final BodyBudget bodies;

    @Inject
    public ImageFetcher(Vertx vertx, FetchConfig config, MeterRegistry registry) {
        this(vertx, config, InetAddress::getAllByName, null);
        Gauge.builder(MetricNames.FETCH_BODY_BYTES, this, ImageFetcher::bodyBytesHeld).baseUnit("bytes")
                .register(registry);
        Gauge.builder(MetricNames.FETCH_DOWNLOADS, this, ImageFetcher::downloading).register(registry);
    }

    ImageFetcher(Vertx vertx, FetchConfig config, HostResolver resolver, TrustOptions trust) {
        this.vertx = vertx;
        this.config = config;
        this.resolver = resolver;
        this.policy = new AddressPolicy(config.allowPrivate(), config.allowedHosts().orElse(List.of()));
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                // Vert.x's own pool never limits below the per-host cap.
                .setMaxPoolSize(Math.max(1, config.maxPerHost()))
                .setVerifyHost(true)
                .setTrustAll(false)
                .setMaxRedirects(0)
                .setDecompressionSupported(false);
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        this.client = vertx.createHttpClient(options);
        // The JDK resolver blocks, so lookups run beside the event loop; they are short and few.
        this.lookups = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-", 0).factory());
        this.global = new AsyncPermits(config.maxConcurrent());
        this.bodies = new BodyBudget(bodyMemory(config));
    }

    /** {@code validator.fetch.body-memory}, or a quarter of the heap, never less than one body. */
    static long bodyMemory(FetchConfig config) {
        long bytes = config.bodyMemory().map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 4);
        return Math.max(bytes, config.maxBytes());
    }

    @PreDestroy
    void close() {
        client.close();
        lookups.shutdownNow();
    }

    /** A new request's share of the download slots. */
    public FetchGroup group() {
        return new FetchGroup(config.maxPerRequest());
    }

    /** Bytes of fetched bodies held now (downloading or waiting to be decoded). */
    public long bodyBytesHeld() {
        return bodies.used();
    }

    /** Downloads holding a slot now. */
    public int downloading() {
        return global.inUse();
    }

    /** Downloads {@code url} in its request's {@code group}; the future fails with an {@link IntakeException}. */
    public CompletableFuture<ImageBody> fetch(String url, FetchGroup group) {
        FetchTarget target;
        try {
            target = FetchTarget.parse(url);
        } catch (IntakeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (group.cancelled()) {
            return CompletableFuture.failedFuture(new CancellationException("the request was cancelled"));
        }
        Download download = new Download();
        Runnable abort = () -> download.fail(new CancellationException("the request was cancelled"));
        group.track(abort);
        download.result.whenComplete((b, e) -> group.untrack(abort));
        long queueMillis = Math.max(1, config.queueTimeout().toMillis());
        long queueTimer = vertx.setTimer(queueMillis, id -> {
            if (!download.started()) {
                download.fail(new IntakeException(IntakeError.FETCH_TIMEOUT, "waited " + queueMillis
                        + " ms for a download slot: the service's download capacity is in use; retry later"));
            }
        });
        download.result.whenComplete((b, e) -> vertx.cancelTimer(queueTimer));
        resolve(target).whenComplete((address, error) -> {
            if (error != null) {
                download.fail(unwrap(error));
                return;
            }
            SlotClaim requestSlot = SlotClaim.start(List.of(group.slots));
            if (!download.holdRequestSlot(requestSlot)) {
                return;
            }
            requestSlot.granted().thenRun(() -> takeHopSlots(download, address, () -> {
                download.start();
                vertx.cancelTimer(queueTimer);
                startDeadline(download);
                exchange(download, target, address, 0);
            }));
        });
        return download.done;
    }

    /** Takes the slots of the server behind {@code address} for one hop, then runs {@code then}. */
    private void takeHopSlots(Download download, InetAddress address, Runnable then) {
        String key = hostKey(address);
        SlotClaim[] started = new SlotClaim[1];
        // Claiming inside compute() keeps it atomic with the removal of idle entries in giveBack().
        perHost.compute(key, (k, existing) -> {
            AsyncPermits permits = existing != null ? existing : new AsyncPermits(config.maxPerHost());
            started[0] = SlotClaim.start(List.of(permits, global));
            return permits;
        });
        SlotClaim claim = started[0];
        if (download.holdHopSlots(claim, key)) {
            claim.granted().thenRun(then);
        }
    }

    /** One image's download: its slots, deadline, current HTTP request and body share. */
    private final class Download {
        final CompletableFuture<ImageBody> result = new CompletableFuture<>();
        /** What callers see: completes after everything is given back, so their next step finds the slots free. */
        final CompletableFuture<ImageBody> done;
        private SlotClaim requestSlot;
        private SlotClaim hopSlots;
        private String hostKey;
        private HttpClientRequest request;
        private BodyBudget.Share share;
        private boolean started;

        Download() {
            // Whatever ends the download gives everything back, exactly once.
            done = result.whenComplete((body, error) -> {
                SlotClaim request;
                SlotClaim hop;
                String key;
                HttpClientRequest req;
                BodyBudget.Share held;
                synchronized (this) {
                    request = requestSlot;
                    hop = hopSlots;
                    key = hostKey;
                    req = this.request;
                    held = share;
                    requestSlot = null;
                    hopSlots = null;
                    this.request = null;
                }
                if (error != null) {
                    if (req != null) {
                        req.reset();
                    }
                    if (held != null) {
                        held.close();
                    }
                }
                giveBack(hop, key);
                giveBack(request, null);
            });
        }

        void fail(Throwable e) {
            result.completeExceptionally(e);
        }

        synchronized boolean started() {
            return started;
        }

        synchronized void start() {
            started = true;
        }

        /** Keeps the request slot claim; false (and abandoned) when the download already ended. */
        boolean holdRequestSlot(SlotClaim claim) {
            synchronized (this) {
                if (!result.isDone()) {
                    requestSlot = claim;
                    return true;
                }
            }
            giveBack(claim, null);
            return false;
        }

        /** Swaps in the slots of a new hop, giving back the previous hop's; false when the download already ended. */
        boolean holdHopSlots(SlotClaim claim, String key) {
            SlotClaim previous;
            String previousKey;
            synchronized (this) {
                if (result.isDone()) {
                    previous = claim;
                    previousKey = key;
                } else {
                    previous = hopSlots;
                    previousKey = hostKey;
                    hopSlots = claim;
                    hostKey = key;
                    request = null;
                }
            }
            giveBack(previous, previousKey);
            return previous != claim;
        }

        /** The request has ended cleanly; nothing is left to reset. */
        synchronized void detach(HttpClientRequest req) {
            if (request == req) {
                request = null;
            }
        }

        synchronized boolean attach(HttpClientRequest req) {
            if (result.isDone()) {
                return false;
            }
            request = req;
            return true;
        }

        synchronized boolean attach(BodyBudget.Share body) {
            if (result.isDone()) {
                return false;
            }
            share = body;
            return true;
        }
    }

    /** Abandons a claim still waiting, or releases one that was granted; drops a host's idle entry. */
    private void giveBack(SlotClaim claim, String hostKey) {
        if (claim == null) {
            return;
        }
        if (!claim.abandon()) {
            claim.release();
        }
        if (hostKey != null) {
            perHost.computeIfPresent(hostKey, (key, permits) -> permits.idle() ? null : permits);
        }
    }

    /**
     * The key of the machine behind {@code address} for the per-host cap: the address itself, or an IPv6 address's
     * /64, which one site holds whole. Its ports and host names share one cap.
     */
    static String hostKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 8);
            return "v6:" + HexFormat.of().formatHex(prefix);
        }
        return address.getHostAddress();
    }

    private void startDeadline(Download download) {
        long totalMillis = Math.max(1, config.totalTimeout().toMillis());
        long timer = vertx.setTimer(totalMillis, id -> download.fail(new IntakeException(IntakeError.FETCH_TIMEOUT,
                "no complete image within " + totalMillis + " ms of starting the download")));
        download.result.whenComplete((b, e) -> vertx.cancelTimer(timer));
    }

    /** One hop; a redirect takes the slots of its new server before the next hop. */
    private void exchange(Download download, FetchTarget target, InetAddress address, int redirects) {
        exchange(download, target, address, redirects, false);
    }

    /**
     * One hop. A connection from the pool that closes before any answer (the server ended its keep-alive as the
     * request went out) is no answer at all: the GET goes once more, on a new connection, as browsers do.
     */
    private void exchange(Download download, FetchTarget target, InetAddress address, int redirects,
            boolean retried) {
        if (download.result.isDone()) {
            return;
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                .setHost(target.hostHeader())
                .setPort(target.port())
                .setSsl(target.https())
                .setURI(target.pathAndQuery())
                .setFollowRedirects(false)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.readTimeout().toMillis())
                .putHeader(HttpHeaderNames.USER_AGENT, config.userAgent())
                .putHeader(HttpHeaderNames.ACCEPT, "image/*,*/*;q=0.5")
                .putHeader(HttpHeaderNames.ACCEPT_ENCODING, "identity");
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                download.fail(connectionFailure(ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            if (!download.attach(req)) {
                req.reset();
                return;
            }
            req.send().onComplete(resp -> {
                if (resp.failed() && resp.cause() instanceof HttpClosedException && !retried) {
                    download.detach(req);
                    exchange(download, target, address, redirects, true);
                } else if (resp.failed()) {
                    download.fail(connectionFailure(resp.cause()));
                } else {
                    onResponse(download, target, resp.result(), req, redirects);
                }
            });
        });
    }

    private void onResponse(Download download, FetchTarget target, HttpClientResponse response, HttpClientRequest req,
            int redirects) {
        int status = response.statusCode();
        boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        if (redirect || status < 200 || status >= 300) {
            String location = response.getHeader(HttpHeaderNames.LOCATION);
            Runnable next = () -> {
                if (!redirect) {
                    download.fail(new IntakeException(IntakeError.FETCH_HTTP_STATUS, "HTTP " + status
                            + reasonPhrase(response.statusMessage())));
                } else if (location == null || location.isBlank()) {
                    download.fail(new IntakeException(IntakeError.FETCH_HTTP_STATUS,
                            "HTTP " + status + " without a Location header"));
                } else {
                    redirect(download, target, location, redirects);
                }
            };
            response.handler(buf -> {
            });
            response.exceptionHandler(e -> {
            });
            if (declaredLength(response) >= 0 && declaredLength(response) <= SMALL_BODY) {
                // A short page is read to its end so that the connection can serve the next request: resetting a
                // kept-alive connection races with its reuse from the pool.
                download.detach(req);
                response.endHandler(v -> next.run());
            } else {
                // An unknown or long body is not wanted, and may be endless: drop the connection.
                req.reset();
                next.run();
            }
            return;
        }
        long max = config.maxBytes();
        String declared = response.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > max) {
                    download.fail(tooLarge("declares " + declared.trim() + " bytes"));
                    return;
                }
            } catch (NumberFormatException ignored) {
                // A malformed length is ignored; the streaming cap still holds.
            }
        }
        readBody(download, response);
    }

    /** The Content-Length, or -1 when absent or malformed. */
    private static long declaredLength(HttpClientResponse response) {
        String declared = response.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        try {
            return declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Only the status line's reason phrase, if it is short plain text; never a server's essay. */
    private static String reasonPhrase(String message) {
        if (message == null || message.isBlank() || message.length() > 40 || !message.matches("[A-Za-z -]+")) {
            return "";
        }
        return " " + message;
    }

    /**
     * Streams the body into chunks charged to the body budget: the memory grows with what arrives. A read silence
     * longer than {@code read-timeout} fails the download, except while it is paused for memory.
     */
    private void readBody(Download download, HttpClientResponse response) {
        long max = config.maxBytes();
        long readMillis = Math.max(1, config.readTimeout().toMillis());
        Context context = vertx.getOrCreateContext();
        BodyBudget.Share share = bodies.share();
        if (!download.attach(share)) {
            return;
        }
        List<byte[]> chunks = new ArrayList<>();
        long[] size = { 0 };
        long[] lastRead = { System.nanoTime() };
        boolean[] paused = { false };
        long silenceTimer = vertx.setPeriodic(Math.max(1, readMillis / 4), id -> {
            synchronized (chunks) {
                if (!paused[0] && System.nanoTime() - lastRead[0] > TimeUnit.MILLISECONDS.toNanos(readMillis)) {
                    download.fail(new IntakeException(IntakeError.FETCH_TIMEOUT, "the server sent nothing for "
                            + readMillis + " ms"));
                }
            }
        });
        download.result.whenComplete((b, e) -> vertx.cancelTimer(silenceTimer));
        response.handler(buf -> {
            if (download.result.isDone()) {
                return;
            }
            int n = buf.length();
            if (size[0] + n > max) {
                download.fail(tooLarge("sent more"));
                return;
            }
            chunks.add(buf.getBytes());
            size[0] += n;
            synchronized (chunks) {
                lastRead[0] = System.nanoTime();
            }
            boolean goOn = share.charge(n, () -> context.runOnContext(v -> {
                synchronized (chunks) {
                    paused[0] = false;
                    lastRead[0] = System.nanoTime();
                }
                response.resume();
            }));
            if (!goOn) {
                synchronized (chunks) {
                    paused[0] = true;
                }
                response.pause();
            }
        });
        response.exceptionHandler(e -> download.fail(connectionFailure(e)));
        response.endHandler(v -> {
            if (download.result.isDone()) {
                return;
            }
            byte[] body = new byte[(int) size[0]];
            int at = 0;
            for (byte[] chunk : chunks) {
                System.arraycopy(chunk, 0, body, at, chunk.length);
                at += chunk.length;
            }
            chunks.clear();
            share.downloaded();
            if (!download.result.complete(new ImageBody(body, share))) {
                share.close();
            }
        });
    }

    private void redirect(Download download, FetchTarget from, String location, int redirects) {
        if (redirects + 1 > config.maxRedirects()) {
            download.fail(new IntakeException(IntakeError.FETCH_HTTP_STATUS,
                    "more than " + config.maxRedirects() + " redirects"));
            return;
        }
        FetchTarget next;
        try {
            next = from.redirect(location);
        } catch (IntakeException e) {
            download.fail(new IntakeException(e.error(), "redirect: " + e.getMessage()));
            return;
        }
        resolve(next).whenComplete((address, error) -> {
            if (error != null) {
                download.fail(unwrap(error));
                return;
            }
            // The request's own slot stays with the image across hops; the server's slots change with the server.
            takeHopSlots(download, address, () -> exchange(download, next, address, redirects + 1));
        });
    }

    private IntakeException tooLarge(String detail) {
        return new IntakeException(IntakeError.FETCH_TOO_LARGE, "image body exceeds the cap of " + config.maxBytes()
                + " bytes (" + detail + ")");
    }

    /** The address to connect to, after every address of the host passed the policy. */
    private CompletableFuture<InetAddress> resolve(FetchTarget target) {
        if (target.literal().isPresent()) {
            InetAddress address = target.literal().get();
            Optional<String> refusal = policy.refusal(address);
            return refusal.isPresent()
                    ? CompletableFuture.failedFuture(new IntakeException(IntakeError.FETCH_BLOCKED,
                            refusal.get() + ", which this service does not fetch from"))
                    : CompletableFuture.completedFuture(address);
        }
        String host = target.host();
        return CompletableFuture.supplyAsync(() -> {
            InetAddress[] addresses;
            try {
                addresses = resolver.resolve(host);
            } catch (UnknownHostException e) {
                throw new IntakeException(IntakeError.FETCH_FAILED, "cannot resolve host " + host);
            }
            if (addresses == null || addresses.length == 0) {
                throw new IntakeException(IntakeError.FETCH_FAILED, "host " + host + " has no address");
            }
            if (policy.hostAllowlisted(host)) {
                return addresses[0];
            }
            for (InetAddress a : addresses) {
                Optional<String> refusal = policy.refusal(a);
                if (refusal.isPresent()) {
                    // One refused address refuses the host: a name that resolves both ways is a rebinding setup.
                    // The address itself is not echoed, so callers cannot map internal names.
                    throw new IntakeException(IntakeError.FETCH_BLOCKED, "host " + host + " resolves to "
                            + refusal.get().replaceFirst("^\\S+( \\(\\S+\\))? is ", "") + ", which this service "
                            + "does not fetch from");
                }
            }
            return addresses[0];
        }, lookups);
    }

    /** A transport failure as a code and a fixed phrase; the library's own text goes to the debug log only. */
    private static IntakeException connectionFailure(Throwable e) {
        if (e instanceof IntakeException ie) {
            return ie;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        Log.debugf("Fetch failed: %s", message);
        if (e instanceof TimeoutException || e instanceof ConnectTimeoutException || lower.contains("timeout")
                || lower.contains("timed out")) {
            return new IntakeException(IntakeError.FETCH_TIMEOUT, e instanceof ConnectTimeoutException
                    || lower.contains("connection timed out") ? "connecting timed out" : "the server did not answer in time");
        }
        if (e instanceof SSLException || e.getCause() instanceof SSLException) {
            return new IntakeException(IntakeError.FETCH_FAILED, "TLS handshake or certificate check failed");
        }
        if (lower.contains("refused")) {
            return new IntakeException(IntakeError.FETCH_FAILED, "connection refused");
        }
        if (lower.contains("reset") || lower.contains("closed")) {
            return new IntakeException(IntakeError.FETCH_FAILED, "the server closed the connection before the image "
                    + "was complete");
        }
        return new IntakeException(IntakeError.FETCH_FAILED, "connection failed");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
