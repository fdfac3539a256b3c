package com.ffs.validator.image;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;

/**
 * Fetches image URLs on non-blocking I/O without letting a URL reach what it must not.
 *
 * <ul>
 *   <li>The host is resolved here and every address it resolves to is checked against the {@link AddressPolicy};
 *       the connection then goes to the checked address ({@link RequestOptions#setServer}), while the Host header,
 *       SNI and certificate verification still use the host name. DNS rebinding has no window.</li>
 *   <li>Redirects are followed by hand, each hop parsed and checked the same way, at most
 *       {@code validator.fetch.max-redirects}.</li>
 *   <li>Connect, per-read (idle) and total deadlines; the byte cap is enforced while streaming, whatever
 *       Content-Length says.</li>
 *   <li>Concurrency is capped per host and globally; a hop waits for its host's permit before it takes a global
 *       one, so a slow host queues behind itself without holding everyone's slots.</li>
 * </ul>
 */
@ApplicationScoped
public class ImageFetcher {

    /** Resolves a host name to its addresses; blocking, called off the event loop. */
    @FunctionalInterface
    interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final FetchConfig config;
    private final AddressPolicy policy;
    private final Vertx vertx;
    private final HttpClient client;
    private final HostResolver resolver;
    private final ExecutorService lookups;
    private final AsyncPermits global;
    private final Map<String, AsyncPermits> perHost = new ConcurrentHashMap<>();

    @Inject
    public ImageFetcher(Vertx vertx, FetchConfig config) {
        this(vertx, config, InetAddress::getAllByName, null);
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
    }

    @PreDestroy
    void close() {
        client.close();
        lookups.shutdownNow();
    }

    /** Downloads {@code url}; the future fails with an {@link IntakeException}. */
    public CompletableFuture<byte[]> fetch(String url) {
        FetchTarget target;
        try {
            target = FetchTarget.parse(url);
        } catch (IntakeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        long totalMillis = Math.max(1, config.totalTimeout().toMillis());
        long timer = vertx.setTimer(totalMillis, id -> result.completeExceptionally(
                new IntakeException(IntakeError.FETCH_TIMEOUT, "no complete image within " + totalMillis + " ms")));
        result.whenComplete((bytes, error) -> vertx.cancelTimer(timer));
        follow(target, 0, result);
        return result;
    }

    private void follow(FetchTarget target, int redirects, CompletableFuture<byte[]> result) {
        if (result.isDone()) {
            return;
        }
        resolve(target).whenComplete((address, error) -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
                return;
            }
            String hostKey = target.host() + ":" + target.port();
            // Taking the ticket inside compute() keeps it atomic with the removal of idle entries below.
            AsyncPermits[] holder = new AsyncPermits[1];
            @SuppressWarnings("unchecked")
            CompletableFuture<Void>[] ticket = new CompletableFuture[1];
            perHost.compute(hostKey, (key, existing) -> {
                AsyncPermits permits = existing != null ? existing : new AsyncPermits(config.maxPerHost());
                holder[0] = permits;
                ticket[0] = permits.acquire();
                return permits;
            });
            AsyncPermits hostPermits = holder[0];
            ticket[0]
                    .thenCompose(v -> global.acquire())
                    .thenAccept(v -> {
                        Runnable release = () -> {
                            global.release();
                            hostPermits.release();
                            perHost.computeIfPresent(hostKey, (key, permits) -> permits.idle() ? null : permits);
                        };
                        if (result.isDone()) {
                            // Timed out while queued for a permit.
                            release.run();
                            return;
                        }
                        CompletableFuture<Hop> exchange;
                        try {
                            exchange = exchange(target, address, result);
                        } catch (RuntimeException e) {
                            exchange = CompletableFuture.failedFuture(e);
                        }
                        exchange.whenComplete((hop, e) -> {
                            release.run();
                            if (e != null) {
                                result.completeExceptionally(unwrap(e));
                            } else if (hop.redirect() != null) {
                                redirect(target, hop.redirect(), redirects, result);
                            } else {
                                result.complete(hop.body());
                            }
                        });
                    });
        });
    }

    private void redirect(FetchTarget from, String location, int redirects, CompletableFuture<byte[]> result) {
        if (redirects + 1 > config.maxRedirects()) {
            result.completeExceptionally(new IntakeException(IntakeError.FETCH_HTTP_STATUS,
                    "more than " + config.maxRedirects() + " redirects"));
            return;
        }
        FetchTarget next;
        try {
            next = from.redirect(location);
        } catch (IntakeException e) {
            result.completeExceptionally(new IntakeException(e.error(), "redirect: " + e.getMessage()));
            return;
        }
        follow(next, redirects + 1, result);
    }

    /** One HTTP exchange: either a body or a redirect target. */
    private record Hop(byte[] body, String redirect) {
    }

    private CompletableFuture<Hop> exchange(FetchTarget target, InetAddress address,
            CompletableFuture<byte[]> overall) {
        CompletableFuture<Hop> hop = new CompletableFuture<>();
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
                hop.completeExceptionally(connectionFailure(ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            // The total deadline cuts a slow body too: resetting the request closes the stream.
            overall.whenComplete((b, e) -> {
                if (e != null) {
                    req.reset();
                }
            });
            req.send().onComplete(resp -> {
                if (resp.failed()) {
                    hop.completeExceptionally(connectionFailure(resp.cause()));
                } else {
                    readBody(resp.result(), hop, req);
                }
            });
        });
        return hop;
    }

    private void readBody(HttpClientResponse response, CompletableFuture<Hop> hop, HttpClientRequest req) {
        int status = response.statusCode();
        boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        if (redirect || status < 200 || status >= 300) {
            String location = response.getHeader(HttpHeaderNames.LOCATION);
            // The body of a redirect or an error page is not wanted, and may be endless: drop the connection.
            response.handler(buf -> {
            });
            response.exceptionHandler(e -> {
            });
            req.reset();
            if (!redirect) {
                String reason = response.statusMessage() == null ? "" : " " + response.statusMessage();
                hop.completeExceptionally(new IntakeException(IntakeError.FETCH_HTTP_STATUS, "HTTP " + status + reason));
            } else if (location == null || location.isBlank()) {
                hop.completeExceptionally(new IntakeException(IntakeError.FETCH_HTTP_STATUS,
                        "HTTP " + status + " without a Location header"));
            } else {
                hop.complete(new Hop(null, location));
            }
            return;
        }
        long max = config.maxBytes();
        String declared = response.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        long expected = -1;
        if (declared != null) {
            try {
                expected = Long.parseLong(declared.trim());
            } catch (NumberFormatException ignored) {
                // A malformed length is ignored; the streaming cap still holds.
            }
            if (expected > max) {
                req.reset();
                hop.completeExceptionally(tooLarge("declares " + expected + " bytes"));
                return;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(Math.max(expected, 8192), max));
        AtomicBoolean aborted = new AtomicBoolean();
        response.handler(buf -> {
            if (aborted.get()) {
                return;
            }
            if (body.size() + (long) buf.length() > max) {
                aborted.set(true);
                req.reset();
                hop.completeExceptionally(tooLarge("sent more"));
                return;
            }
            body.writeBytes(buf.getBytes());
        });
        response.exceptionHandler(e -> {
            if (aborted.compareAndSet(false, true)) {
                hop.completeExceptionally(connectionFailure(e));
            }
        });
        response.endHandler(v -> {
            if (aborted.compareAndSet(false, true)) {
                hop.complete(new Hop(body.toByteArray(), null));
            }
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

    private static IntakeException connectionFailure(Throwable e) {
        if (e instanceof IntakeException ie) {
            return ie;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (e instanceof TimeoutException || e instanceof ConnectTimeoutException || lower.contains("timeout")
                || lower.contains("timed out")) {
            return new IntakeException(IntakeError.FETCH_TIMEOUT, "timed out: " + message);
        }
        if (e instanceof SSLException || e.getCause() instanceof SSLException) {
            return new IntakeException(IntakeError.FETCH_FAILED, "TLS failed: " + message);
        }
        return new IntakeException(IntakeError.FETCH_FAILED, "connection failed: " + message);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
