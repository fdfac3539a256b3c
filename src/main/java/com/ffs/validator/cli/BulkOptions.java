package com.ffs.validator.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.ffs.validator.cli.CommandLine.Option;

/**
 * What {@code bulk} was asked to do.
 *
 * @param input the input file, or {@code -} for standard input
 * @param output the JSON Lines file results are appended to (and resumed from)
 * @param format how to read the input
 * @param ask the action (validate, nsfw, fashion or embedding) or the checks each request asks for
 * @param endpoint where requests go; empty: in this process
 * @param apiKey the key sent to the endpoint, if any
 * @param batch images per request
 * @param concurrency requests in flight
 * @param retries further attempts for an image whose error is transient, within this run
 * @param giveUpAfter how long the endpoint may fail every request before the run ends
 * @param drainTimeout how long a stopped run waits for requests in flight
 * @param requestTimeout how long one request may take
 * @param maxRequestBytes largest sum of image references in one request (inline images are large)
 * @param progress how progress is shown
 */
record BulkOptions(String input, Path output, InputFormat format, Ask ask, Optional<Endpoint> endpoint,
        Optional<String> apiKey, int batch, int concurrency, int retries, Duration giveUpAfter, Duration drainTimeout,
        Duration requestTimeout, long maxRequestBytes, ProgressMode progress) {

    static final List<String> ACTIONS = List.of("validate", "nsfw", "fashion", "embedding");
    static final List<String> CHECKS = List.of("nsfw", "fashion", "embedding", "quality", "codes");

    /** How progress is shown on standard error. */
    enum ProgressMode {
        /** A bar on a terminal, lines otherwise. */
        AUTO,
        /** A bar redrawn in place. */
        BAR,
        /** One line every few seconds. */
        LINES
    }

    /**
     * Where requests go.
     *
     * @param kind which protocol
     * @param base the base URL: the service's root, or RunPod's {@code .../v2/<endpointId>}
     */
    record Endpoint(Kind kind, URI base) {

        /** The native API or RunPod's job API. */
        enum Kind {
            NATIVE,
            RUNPOD
        }

        /** Parses {@code --endpoint}: a URL ending in {@code /v2/<endpointId>} is RunPod's, anything else native. */
        static Endpoint parse(String value) throws IllegalArgumentException {
            URI uri;
            try {
                uri = new URI(value.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--endpoint is not a URL: '" + value + "'");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("--endpoint must be an http(s) URL with a host, got '" + value
                        + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("--endpoint takes a base URL without query or fragment");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            Kind kind = Kind.NATIVE;
            int v2 = path.lastIndexOf("/v2/");
            if (v2 >= 0 && path.indexOf('/', v2 + 4) < 0 && path.length() > v2 + 4) {
                kind = Kind.RUNPOD;
            } else if (path.endsWith("/v1/validate")) {
                path = path.substring(0, path.length() - "/v1/validate".length());
            }
            return new Endpoint(kind, URI.create(scheme + "://" + uri.getRawAuthority() + path));
        }

        /** The URL of {@code route} (e.g. {@code /run}) under the base. */
        URI resolve(String route) {
            return URI.create(base + route);
        }
    }

    static final CommandLine COMMAND = new CommandLine("bulk",
            "java -jar quarkus-run.jar bulk --input FILE --output FILE [options]",
            """
                    Runs every image of FILE through the checks and appends one JSON object per input line to the output
                    (JSON Lines). Running the same command again continues where the last run stopped: inputs that already
                    have a result or a permanent error are not sent again; transient failures are retried.
                    Without --endpoint the models load in this process (validator.models.dir; VALIDATOR_MODELS_DEMO=true
                    serves demo models); no port is opened.
                    """,
            List.of(
                    Option.valued("input", "FILE", "images, one per line: a text file of URLs, data: URIs or base64;\n"
                            + "a CSV with a 'url' column (and optionally 'id'); JSON Lines with\n"
                            + "'url' (and optionally 'id'). '-' reads standard input"),
                    Option.valued("output", "FILE", "JSON Lines results, appended to and resumed from"),
                    Option.valued("format", "F", "auto (default: by file name, else by content), text, csv or jsonl"),
                    Option.valued("action", "A", "validate (default), nsfw, fashion or embedding"),
                    Option.valued("checks", "LIST", "instead of --action: comma-separated checks, any of nsfw,\n"
                            + "fashion, embedding, quality, codes"),
                    Option.valued("endpoint", "URL", "an ffs-validator base URL (POST /v1/validate), or a RunPod\n"
                            + "endpoint URL ending in /v2/<endpointId> (/run and /status)"),
                    Option.valued("api-key", "K", "key for the endpoint (default: FFS_API_KEY for ffs-validator,\n"
                            + "RUNPOD_API_KEY for RunPod)"),
                    Option.valued("batch", "N", "images per request (default 16; at most the service's\n"
                            + "validator.request.max-images)"),
                    Option.valued("concurrency", "N", "requests in flight (default 8)"),
                    Option.valued("retries", "N", "more attempts in this run for an image with a transient error\n"
                            + "(default 2; later runs retry them again)"),
                    Option.valued("give-up-after", "D", "end the run when every request has failed for this long\n"
                            + "(default 10m)"),
                    Option.valued("drain-timeout", "D", "on Ctrl-C or SIGTERM, wait this long for requests in\n"
                            + "flight (default 30s)"),
                    Option.valued("request-timeout", "D", "longest wait for one request (default 5m)"),
                    Option.valued("max-request-bytes", "N", "largest total of image references in one request\n"
                            + "(default 8388608; inline images count in full)"),
                    Option.valued("progress", "P", "auto (default: a bar on a terminal, else a line every 5 s),\n"
                            + "bar or lines")));

    /**
     * Reads the options, with the environment for keys.
     *
     * @throws CliFailure (usage) naming the option that is wrong
     */
    static BulkOptions parse(CommandLine.Parsed parsed, Map<String, String> env) throws CliFailure {
        String input = parsed.required("input");
        String outputName = parsed.required("output");
        if (outputName.equals("-")) {
            throw parsed.invalid("--output must be a file (it is resumed from), not standard output");
        }
        InputFormat format = choice(parsed, "format", InputFormat.class, InputFormat.AUTO);
        String action = parsed.get("action").orElse("validate").strip().toLowerCase(Locale.ROOT);
        if (!ACTIONS.contains(action)) {
            throw parsed.invalid("--action must be one of " + String.join(", ", ACTIONS) + ", got '" + action + "'");
        }
        List<String> checks = null;
        if (parsed.get("checks").isPresent()) {
            if (parsed.get("action").isPresent()) {
                throw parsed.invalid("give either --action or --checks, not both");
            }
            checks = new ArrayList<>();
            for (String c : parsed.get("checks").get().split(",")) {
                String name = c.strip().toLowerCase(Locale.ROOT);
                if (!CHECKS.contains(name)) {
                    throw parsed.invalid("--checks takes " + String.join(", ", CHECKS) + ", got '" + c.strip() + "'");
                }
                checks.add(name);
            }
        }
        Optional<Endpoint> endpoint;
        try {
            endpoint = parsed.get("endpoint").map(Endpoint::parse);
        } catch (IllegalArgumentException e) {
            throw parsed.invalid(e.getMessage());
        }
        Optional<String> key = parsed.get("api-key").or(() -> endpoint.flatMap(e -> Optional.ofNullable(
                env.get(e.kind() == Endpoint.Kind.RUNPOD ? "RUNPOD_API_KEY" : "FFS_API_KEY"))))
                .map(String::strip).filter(k -> !k.isEmpty());
        if (endpoint.isEmpty() && parsed.get("api-key").isPresent()) {
            throw parsed.invalid("--api-key needs --endpoint (in-process runs need no key)");
        }
        int batch = parsed.integer("batch", 16, 1, 1024);
        int concurrency = parsed.integer("concurrency", 8, 1, 1024);
        int retries = parsed.integer("retries", 2, 0, 100);
        Duration giveUp = positive(parsed, "give-up-after", Duration.ofMinutes(10));
        Duration drain = positive(parsed, "drain-timeout", Duration.ofSeconds(30));
        Duration requestTimeout = positive(parsed, "request-timeout", Duration.ofMinutes(5));
        long maxRequestBytes = parsed.integer("max-request-bytes", 8 << 20, 1024, Integer.MAX_VALUE);
        ProgressMode progress = choice(parsed, "progress", ProgressMode.class, ProgressMode.AUTO);
        return new BulkOptions(input, Path.of(outputName), format, new Ask(action, checks), endpoint, key, batch, concurrency,
                retries,
                giveUp, drain, requestTimeout, maxRequestBytes, progress);
    }

    private static Duration positive(CommandLine.Parsed parsed, String name, Duration defaultValue)
            throws CliFailure {
        Duration d = parsed.duration(name, defaultValue);
        if (d.isZero()) {
            throw parsed.invalid("--" + name + " must be more than zero");
        }
        return d;
    }

    private static <E extends Enum<E>> E choice(CommandLine.Parsed parsed, String name, Class<E> type,
            E defaultValue) throws CliFailure {
        Optional<String> value = parsed.get(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.get().strip())) {
                return e;
            }
        }
        throw parsed.invalid("--" + name + " must be one of " + String.join(", ", Arrays.stream(
                type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()) + ", got '"
                + value.get() + "'");
    }
}
