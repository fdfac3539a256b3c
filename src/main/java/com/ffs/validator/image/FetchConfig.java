package com.ffs.validator.image;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How image URLs are fetched, and what they may not reach. */
@ConfigMapping(prefix = "validator.fetch")
public interface FetchConfig {

    /** Allow fetching from loopback, private, link-local and other non-public addresses (dev and test only). */
    @WithDefault("false")
    boolean allowPrivate();

    /** Host names ({@code images.internal}, {@code *.cdn.internal}) or CIDR ranges fetched even though they are private. */
    Optional<List<String>> allowedHosts();

    /** Time allowed to open a TCP (and TLS) connection. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Longest silence allowed between two reads of a response. */
    @WithDefault("10s")
    Duration readTimeout();

    /** Deadline for one image from the moment it holds its download slots to the last byte, redirects included. */
    @WithDefault("20s")
    Duration totalTimeout();

    /** Longest wait for download slots (the request's, the server's, the global ones); then FETCH_TIMEOUT. */
    @WithDefault("10s")
    Duration queueTimeout();

    /** Largest image body accepted, enforced while streaming whatever Content-Length says; also caps inline images. */
    @WithDefault("20971520")
    long maxBytes();

    /** Redirects followed per image before giving up. */
    @WithDefault("5")
    int maxRedirects();

    /** Downloads in flight at once across all requests. */
    @WithDefault("64")
    int maxConcurrent();

    /** Downloads in flight at once to one server (one IP address, or one IPv6 /64), whatever its ports and names. */
    @WithDefault("8")
    int maxPerHost();

    /** Downloads in flight at once for one request, so a request full of slow hosts holds a bounded share. */
    @WithDefault("16")
    int maxPerRequest();

    /**
     * Memory for fetched bodies from their first byte until decoded; while it is spent, downloads pause (default a
     * quarter of the JVM's maximum heap, never less than max-bytes).
     */
    Optional<MemorySize> bodyMemory();

    /** User-Agent header sent with every fetch. */
    @WithDefault("ffs-validator/0.1 (+image validation service)")
    String userAgent();
}
