package com.ffs.validator.image;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Fetches image URLs on non-blocking I/O without letting a URL reach what it must not. The host is resolved here,
 * every address is checked against the {@link AddressPolicy}, and the connection goes to the checked address
 * (TLS still verifies the host name), so DNS rebinding has no window. Each redirect hop is checked the same way.
 */
@ApplicationScoped
public class ImageFetcher {

    private final FetchConfig config;
    private final AddressPolicy policy;
    private final Vertx vertx;
    private final HttpClient client;
    private final ExecutorService resolver;
    private final AsyncPermits global;
    private final Map<String, AsyncPermits> perHost = new ConcurrentHashMap<>();

    public ImageFetcher(Vertx vertx, FetchConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.policy = new AddressPolicy(config.allowPrivate(), config.allowedHosts().orElse(List.of()));
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setVerifyHost(true)
                .setMaxRedirects(0)
                .setDecompressionSupported(false));
        // The JDK resolver blocks, so lookups run beside the event loop; they are short and few.
        this.resolver = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-", 0).factory());
        this.global = new AsyncPermits(config.maxConcurrent());
    }

    @PreDestroy
    void close() {
        client.close();
        resolver.shutdownNow();
    }

    /** Downloads {@code url}; the future fails with an {@link IntakeException}. */
    public CompletableFuture<byte[]> fetch(String url) {
        URI uri;
        try {
            uri = checkedUri(url);
        } catch (IntakeException e) {
            return CompletableFuture.failedFuture(e);
        }
        long deadline = System.nanoTime() + config.totalTimeout().toNanos();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        long timer = vertx.setTimer(config.totalTimeout().toMillis(), id -> result.completeExceptionally(
                new IntakeException(IntakeError.FETCH_TIMEOUT, "no complete image within "
                        + config.totalTimeout().toMillis() + " ms")));
        result.whenComplete((bytes, error) -> vertx.cancelTimer(timer));
        global.acquire().thenRun(() -> {
            result.whenComplete((bytes, error) -> global.release());
            follow(uri, 0, deadline, result);
        });
        return result;
    }

    private void follow(URI uri, int hop, long deadline, CompletableFuture<byte[]> result) {
        if (result.isDone()) {
            return;
        }
        String host = uri.getHost();
        resolve(host).whenComplete((address, error) -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
                return;
            }
            AsyncPermits hostPermits = perHost.computeIfAbsent(host.toLowerCase(Locale.ROOT),
                    h -> new AsyncPermits(config.maxPerHost()));
            hostPermits.acquire().thenRun(() -> {
                CompletableFuture<Hop> hopResult = request(uri, address, deadline, result);
                hopResult.whenComplete((h, e) -> {
                    hostPermits.release();
                    if (hostPermits.idle()) {
                        perHost.remove(host.toLowerCase(Locale.ROOT), hostPermits);
                    }
                    if (e != null) {
                        result.completeExceptionally(unwrap(e));
                    } else if (h.redirect() != null) {
                        if (hop + 1 > config.maxRedirects()) {
                            result.completeExceptionally(new IntakeException(IntakeError.FETCH_HTTP_STATUS,
                                    "more than " + config.maxRedirects() + " redirects"));
                            return;
                        }
                        try {
                            follow(checkedUri(uri.resolve(h.redirect()).toString()), hop + 1, deadline, result);
                        } catch (IntakeException | IllegalArgumentException ex) {
                            result.completeExceptionally(ex instanceof IntakeException ie ? ie
                                    : new IntakeException(IntakeError.INVALID_URL, "bad redirect target: " + h.redirect()));
                        }
                    } else {
                        result.complete(h.body());
                    }
                });
            });
        });
    }

    /** One HTTP exchange: either a body or a redirect target. */
    private record Hop(byte[] body, String redirect) {
    }

    private CompletableFuture<Hop> request(URI uri, InetAddress address, long deadline,
            CompletableFuture<byte[]> overall) {
        CompletableFuture<Hop> hop = new CompletableFuture<>();
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 80);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(uri.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.readTimeout().toMillis())
                .putHeader(HttpHeaderNames.USER_AGENT, config.userAgent())
                .putHeader(HttpHeaderNames.ACCEPT, "image/*,*/*;q=0.5");
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                hop.completeExceptionally(connectionFailure(ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            // The overall deadline cuts a slow body too: resetting the request ends the stream.
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
        if (status >= 300 && status < 400 && status != 304) {
            String location = response.getHeader(HttpHeaderNames.LOCATION);
            response.handler(buf -> {
            });
            if (location == null) {
                hop.completeExceptionally(new IntakeException(IntakeError.FETCH_HTTP_STATUS,
                        "HTTP " + status + " without a Location header"));
            } else {
                hop.complete(new Hop(null, location));
            }
            return;
        }
        if (status < 200 || status >= 300) {
            response.handler(buf -> {
            });
            req.reset();
            hop.completeExceptionally(new IntakeException(IntakeError.FETCH_HTTP_STATUS, "HTTP " + status));
            return;
        }
        String declared = response.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > config.maxBytes()) {
                    req.reset();
                    hop.completeExceptionally(tooLarge());
                    return;
                }
            } catch (NumberFormatException ignored) {
                // A malformed length is ignored; the streaming cap still holds.
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        AtomicBoolean aborted = new AtomicBoolean();
        response.handler(buf -> {
            if (aborted.get()) {
                return;
            }
            if (body.size() + (long) buf.length() > config.maxBytes()) {
                aborted.set(true);
                req.reset();
                hop.completeExceptionally(tooLarge());
                return;
            }
            body.writeBytes(buf.getBytes());
        });
        response.exceptionHandler(e -> hop.completeExceptionally(connectionFailure(e)));
        response.endHandler(v -> {
            if (!aborted.get()) {
                hop.complete(new Hop(body.toByteArray(), null));
            }
        });
    }

    private IntakeException tooLarge() {
        return new IntakeException(IntakeError.FETCH_TOO_LARGE, "image body exceeds " + config.maxBytes() + " bytes");
    }

    private CompletableFuture<InetAddress> resolve(String host) {
        return CompletableFuture.supplyAsync(() -> {
            Optional<java.net.Inet4Address> legacy = AddressPolicy.parseLegacyIpv4(host);
            InetAddress[] addresses;
            try {
                addresses = legacy.isPresent() ? new InetAddress[] {legacy.get()} : InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new IntakeException(IntakeError.FETCH_FAILED, "cannot resolve host " + host);
            }
            if (policy.hostAllowlisted(host)) {
                return addresses[0];
            }
            for (InetAddress a : addresses) {
                Optional<String> refusal = policy.refusal(a);
                if (refusal.isPresent()) {
                    // One refused address refuses the host: a name that resolves both ways is a rebinding setup.
                    throw new IntakeException(IntakeError.FETCH_BLOCKED, "host " + host + " resolves to "
                            + refusal.get() + ", which this service does not fetch from");
                }
            }
            return addresses[0];
        }, resolver);
    }

    /** Validates syntax and scheme; the address check happens after resolution. */
    static URI checkedUri(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IntakeException(IntakeError.INVALID_URL, "not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IntakeException(IntakeError.INVALID_URL, "only http and https URLs are fetched, got "
                    + (scheme == null ? "no scheme" : "'" + scheme + "'"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IntakeException(IntakeError.INVALID_URL, "URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IntakeException(IntakeError.INVALID_URL, "URLs with credentials are not fetched");
        }
        return uri;
    }

    private static IntakeException connectionFailure(Throwable e) {
        if (e instanceof IntakeException ie) {
            return ie;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof TimeoutException || e instanceof io.netty.channel.ConnectTimeoutException
                || message.toLowerCase(Locale.ROOT).contains("timeout") || message.contains("timed out")) {
            return new IntakeException(IntakeError.FETCH_TIMEOUT, "timed out: " + message);
        }
        return new IntakeException(IntakeError.FETCH_FAILED, "connection failed: " + message);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
