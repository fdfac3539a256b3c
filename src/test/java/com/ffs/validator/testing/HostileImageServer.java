package com.ffs.validator.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An in-process HTTP/1.1 server on a raw socket that misbehaves on purpose, for the fetcher's tests. It speaks the
 * real protocol (keep-alive, chunked bodies) so the client under test cannot tell it from a real host.
 *
 * <ul>
 * <li>{@code /image/<file>}: a test image from {@code images/}, with its true length</li>
 * <li>{@code /wrong-type/<file>}: the same bytes labelled {@code text/html}</li>
 * <li>{@code /drip/<interval ms>/<file>}: true Content-Length, one byte per interval</li>
 * <li>{@code /silent/<ms>/<file>}: nothing for a while, then the image</li>
 * <li>{@code /hold/<ms>/<file>}: the image after a pause, counting requests in flight</li>
 * <li>{@code /gate/<file>}: the image once the test calls {@link #openGate()}, counting requests in flight</li>
 * <li>{@code /endless}: a chunked body that never ends</li>
 * <li>{@code /close-delimited/<bytes>}: no Content-Length, that many bytes, then close</li>
 * <li>{@code /short-length/<n>/<file>}: declares n bytes, sends the whole file</li>
 * <li>{@code /long-length/<file>}: declares ten times the file, sends it, closes</li>
 * <li>{@code /huge-length}: declares a terabyte</li>
 * <li>{@code /redirect/<n>/<file>}: n redirects, then the image; {@code /loop}: redirects to itself</li>
 * <li>{@code /redirect-to?location=<url>}: a redirect anywhere</li>
 * <li>{@code /status/<code>}: that status with a small HTML page</li>
 * </ul>
 */
public final class HostileImageServer implements AutoCloseable {

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final String scheme;
    /** Connections accepted. */
    public final AtomicInteger connections = new AtomicInteger();
    /** Requests served. */
    public final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger holding = new AtomicInteger();
    /** Most {@code /hold} requests in flight at once. */
    public final AtomicInteger maxHolding = new AtomicInteger();
    /** Request headers (lower-case names) of the last request. */
    public volatile Map<String, String> lastHeaders = Map.of();
    /** SNI host names received in TLS handshakes. */
    public final List<String> serverNames = new CopyOnWriteArrayList<>();
    /** Paths requested, in order. */
    public final List<String> paths = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final CountDownLatch gate = new CountDownLatch(1);
    /** {@code /gate} requests waiting now. */
    public final AtomicInteger atGate = new AtomicInteger();

    /** Plain HTTP on 127.0.0.1. */
    public HostileImageServer() throws IOException {
        this(null);
    }

    /** HTTPS on 127.0.0.1 with the key in a PKCS#12 resource (password {@code changeit}), or plain HTTP for null. */
    public HostileImageServer(String keystoreResource) throws IOException {
        this(keystoreResource, "127.0.0.1");
    }

    /** As above, on a loopback address of the test's choice ({@code 127.0.0.2} is another machine to the fetcher). */
    public HostileImageServer(String keystoreResource, String loopbackAddress) throws IOException {
        InetAddress loopback = InetAddress.getByName(loopbackAddress);
        if (keystoreResource == null) {
            socket = new ServerSocket(0, 128, loopback);
            scheme = "http";
        } else {
            socket = tlsContext(keystoreResource).getServerSocketFactory().createServerSocket(0, 128, loopback);
            ((SSLServerSocket) socket).setUseClientMode(false);
            scheme = "https";
        }
        threads.submit(this::acceptLoop);
    }

    private static SSLContext tlsContext(String resource) throws IOException {
        try (InputStream in = HostileImageServer.class.getResourceAsStream(resource)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "changeit".toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IOException("cannot load " + resource, e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>} (or https), with the address the server listens on. */
    public String baseUrl() {
        return scheme + "://" + socket.getInetAddress().getHostAddress() + ":" + port();
    }

    /** Lets every {@code /gate} request, waiting or to come, have its image. */
    public void openGate() {
        gate.countDown();
    }

    /** The same server under another host name, e.g. {@code http://images.test:<port>}. */
    public String baseUrl(String host) {
        return scheme + "://" + host + ":" + port();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                open.add(s);
                threads.submit(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            if (s instanceof SSLSocket tls) {
                tls.startHandshake();
                if (tls.getSession() instanceof ExtendedSSLSession session) {
                    for (SNIServerName name : session.getRequestedServerNames()) {
                        serverNames.add(new String(name.getEncoded(), StandardCharsets.US_ASCII));
                    }
                }
            }
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String path = lines[0].split(" ")[1];
                Map<String, String> headers = new HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                lines[i].substring(colon + 1).trim());
                    }
                }
                lastHeaders = headers;
                requests.incrementAndGet();
                paths.add(path);
                if (!respond(path, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The client went away, as the tests intend.
        } finally {
            open.remove(s);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes one response; false when the connection must close afterwards. */
    private boolean respond(String path, OutputStream out) throws IOException, InterruptedException {
        String[] p = path.split("\\?", 2)[0].substring(1).split("/", 3);
        switch (p[0]) {
            case "image" -> {
                send(out, 200, "image/octet-stream", file(rest(p, 1)));
                return true;
            }
            case "wrong-type" -> {
                send(out, 200, "text/html; charset=utf-8", file(rest(p, 1)));
                return true;
            }
            case "drip" -> {
                long interval = Long.parseLong(p[1]);
                byte[] body = file(p[2]);
                head(out, 200, "image/png", "Content-Length: " + body.length);
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(interval);
                }
                return true;
            }
            case "silent" -> {
                Thread.sleep(Long.parseLong(p[1]));
                send(out, 200, "image/png", file(p[2]));
                return true;
            }
            case "hold" -> {
                int now = holding.incrementAndGet();
                maxHolding.accumulateAndGet(now, Math::max);
                try {
                    Thread.sleep(Long.parseLong(p[1]));
                } finally {
                    holding.decrementAndGet();
                }
                send(out, 200, "image/png", file(p[2]));
                return true;
            }
            case "gate" -> {
                int now = holding.incrementAndGet();
                maxHolding.accumulateAndGet(now, Math::max);
                atGate.incrementAndGet();
                try {
                    gate.await();
                } finally {
                    atGate.decrementAndGet();
                    holding.decrementAndGet();
                }
                send(out, 200, "image/png", file(rest(p, 1)));
                return true;
            }
            case "endless" -> {
                head(out, 200, "image/jpeg", "Transfer-Encoding: chunked");
                byte[] chunk = new byte[64 * 1024];
                String size = Integer.toHexString(chunk.length) + "\r\n";
                for (int i = 0; i < 100_000; i++) {
                    out.write(size.getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                return false;
            }
            case "close-delimited" -> {
                head(out, 200, "image/jpeg", "Connection: close");
                long total = Long.parseLong(p[1]);
                byte[] chunk = new byte[64 * 1024];
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, total - sent));
                }
                return false;
            }
            case "short-length" -> {
                byte[] body = file(p[2]);
                head(out, 200, "image/png", "Content-Length: " + Integer.parseInt(p[1]));
                out.write(body);
                return false;
            }
            case "long-length" -> {
                byte[] body = file(rest(p, 1));
                head(out, 200, "image/png", "Content-Length: " + body.length * 10L);
                out.write(body);
                return false;
            }
            case "huge-length" -> {
                head(out, 200, "image/png", "Content-Length: 1000000000000");
                out.write(new byte[1024]);
                return false;
            }
            case "redirect" -> {
                int n = Integer.parseInt(p[1]);
                redirect(out, n <= 1 ? "/image/" + p[2] : "/redirect/" + (n - 1) + "/" + p[2]);
                return true;
            }
            case "loop" -> {
                redirect(out, "/loop");
                return true;
            }
            case "redirect-to" -> {
                String query = path.substring(path.indexOf('?') + 1);
                redirect(out, URLDecoder.decode(query.substring("location=".length()), StandardCharsets.UTF_8));
                return true;
            }
            case "status" -> {
                int code = Integer.parseInt(p[1]);
                send(out, code, "text/html", ("<!DOCTYPE html><html><body>status " + code + "</body></html>")
                        .getBytes(StandardCharsets.US_ASCII));
                return true;
            }
            default -> {
                send(out, 404, "text/plain", "not found".getBytes(StandardCharsets.US_ASCII));
                return true;
            }
        }
    }

    private static String rest(String[] parts, int from) {
        return String.join("/", Arrays.copyOfRange(parts, from, parts.length));
    }

    private byte[] file(String name) throws IOException {
        byte[] cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = HostileImageServer.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IOException("no test image " + name);
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return bytes;
        }
    }

    private static void redirect(OutputStream out, String location) throws IOException {
        head(out, 302, "text/html", "Location: " + location + "\r\nContent-Length: 0");
    }

    private static void send(OutputStream out, int status, String type, byte[] body) throws IOException {
        head(out, status, type, "Content-Length: " + body.length);
        out.write(body);
    }

    private static void head(OutputStream out, int status, String type, String extra) throws IOException {
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: " + type + "\r\n" + extra
                + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 302 -> "Found";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    /** The socket address, for tests that pin a host name to it. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        gate.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
