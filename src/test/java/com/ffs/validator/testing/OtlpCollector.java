package com.ffs.validator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An OpenTelemetry collector in the test: takes OTLP/HTTP trace exports ({@code http/protobuf}), decodes their spans
 * from the protobuf wire format (the fields of opentelemetry-proto's {@code trace.proto} the tests read), and turns
 * tracing on for the service under test.
 */
public class OtlpCollector implements QuarkusTestResourceLifecycleManager {

    /** A link from a span to another span. */
    public record Link(String traceId, String spanId) {
    }

    /** One exported span; ids in lower-case hex, attributes as strings. */
    public record Span(String traceId, String spanId, String parentSpanId, String name, Map<String, String> attributes,
            List<Link> links, int statusCode) {
    }

    private static final List<Span> SPANS = new CopyOnWriteArrayList<>();
    private static final List<String> PATHS = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        SPANS.clear();
        PATHS.clear();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            PATHS.add(exchange.getRequestURI().getPath());
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 200;
            try {
                SPANS.addAll(decode(body));
            } catch (IOException | RuntimeException e) {
                status = 400;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, String> config = new HashMap<>(Map.of(
                "quarkus.otel.exporter.otlp.traces.endpoint", endpoint,
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", EXPORT_DELAY.toMillis() + "ms"));
        if (enablesTracing()) {
            config.put("quarkus.otel.sdk.disabled", "false");
        }
        return config;
    }

    /** How often the service exports spans in these tests. */
    public static final Duration EXPORT_DELAY = Duration.ofMillis(100);

    /** Whether the service's SDK is turned on, as an operator does with QUARKUS_OTEL_SDK_DISABLED=false. */
    protected boolean enablesTracing() {
        return true;
    }

    /** The collector with an endpoint configured but the SDK left as the service ships it. */
    public static class SdkLeftDisabled extends OtlpCollector {
        @Override
        protected boolean enablesTracing() {
            return false;
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** The spans received so far. */
    public static List<Span> spans() {
        return List.copyOf(SPANS);
    }

    /** The paths exports were posted to. */
    public static List<String> paths() {
        return List.copyOf(PATHS);
    }

    /** ExportTraceServiceRequest: resource_spans = 1; ResourceSpans: scope_spans = 2; ScopeSpans: spans = 2. */
    static List<Span> decode(byte[] request) throws IOException {
        List<Span> spans = new ArrayList<>();
        for (byte[] resourceSpans : fields(request, 1)) {
            for (byte[] scopeSpans : fields(resourceSpans, 2)) {
                for (byte[] span : fields(scopeSpans, 2)) {
                    spans.add(span(span));
                }
            }
        }
        return spans;
    }

    /**
     * Span: trace_id 1, span_id 2, parent_span_id 4, name 5, attributes 9 (KeyValue: key 1, value 2), links 13 (Link:
     * trace_id 1, span_id 2), status 15 (Status: code 3).
     */
    private static Span span(byte[] bytes) throws IOException {
        Map<Integer, List<byte[]>> f = lengthDelimited(bytes);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (byte[] kv : f.getOrDefault(9, List.of())) {
            Map<Integer, List<byte[]>> pair = lengthDelimited(kv);
            attributes.put(text(pair, 1), anyValue(pair.getOrDefault(2, List.of(new byte[0])).getFirst()));
        }
        List<Link> links = new ArrayList<>();
        for (byte[] link : f.getOrDefault(13, List.of())) {
            Map<Integer, List<byte[]>> l = lengthDelimited(link);
            links.add(new Link(hex(l, 1), hex(l, 2)));
        }
        int status = 0;
        for (byte[] s : f.getOrDefault(15, List.of())) {
            status = (int) varint(s, 3);
        }
        return new Span(hex(f, 1), hex(f, 2), hex(f, 4), text(f, 5), attributes, links, status);
    }

    /** AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4. */
    private static String anyValue(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    return in.readString();
                }
                case 2 -> {
                    return Boolean.toString(in.readBool());
                }
                case 3 -> {
                    return Long.toString(in.readInt64());
                }
                case 4 -> {
                    return Double.toString(in.readDouble());
                }
                default -> in.skipField(tag);
            }
        }
        return "";
    }

    private static List<byte[]> fields(byte[] bytes, int number) throws IOException {
        return lengthDelimited(bytes).getOrDefault(number, List.of());
    }

    /** The length-delimited fields of a message by number; other wire types are skipped. */
    private static Map<Integer, List<byte[]>> lengthDelimited(byte[] bytes) throws IOException {
        Map<Integer, List<byte[]>> out = new LinkedHashMap<>();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                out.computeIfAbsent(WireFormat.getTagFieldNumber(tag), k -> new ArrayList<>()).add(in.readByteArray());
            } else {
                in.skipField(tag);
            }
        }
        return out;
    }

    private static long varint(byte[] bytes, int number) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == number
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                return in.readInt64();
            }
            in.skipField(tag);
        }
        return 0;
    }

    private static String hex(Map<Integer, List<byte[]>> fields, int number) {
        List<byte[]> values = fields.get(number);
        return values == null || values.getFirst().length == 0 ? "" : HexFormat.of().formatHex(values.getFirst());
    }

    private static String text(Map<Integer, List<byte[]>> fields, int number) {
        List<byte[]> values = fields.get(number);
        return values == null ? "" : new String(values.getFirst(), StandardCharsets.UTF_8);
    }
}
