package com.ffs.validator.image;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A URL the fetcher may try: http or https, a host, no credentials. The host is normalised the way browsers and
 * {@code inet_aton} read it, so an address cannot hide behind an odd spelling: {@code 2130706433},
 * {@code 0x7f.1}, {@code 0177.0.0.1} and {@code 127.1} are all the literal 127.0.0.1 here, never names for DNS.
 *
 * @param uri the parsed URL
 * @param host the host, lower case, ASCII (IDNA), without brackets or a trailing dot
 * @param literal the address when the host is an IP literal in any spelling
 * @param port the port, defaulted from the scheme
 * @param https whether TLS is used
 * @param hostHeader the host as sent in the Host header and used for TLS (brackets kept for IPv6)
 */
record FetchTarget(URI uri, String host, Optional<InetAddress> literal, int port, boolean https, String hostHeader) {

    private static final Pattern NUMERIC_LABEL = Pattern.compile("(0[xX][0-9a-fA-F]*|[0-9]+)");

    /** Parses and checks {@code url}; throws {@code INVALID_URL} with the reason. */
    static FetchTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw invalid("not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid("only http and https URLs are fetched, got "
                    + (scheme == null ? "no scheme" : "'" + scheme + "'"));
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw invalid("URL has no host");
        }
        if (uri.getRawUserInfo() != null || authority.contains("@")) {
            throw invalid("URLs with credentials are not fetched");
        }
        // java.net.URI leaves the host empty for spellings it does not take as a host name (0x7f.1, a_b.example);
        // read the authority directly then.
        String rawHost;
        int port = uri.getPort();
        if (uri.getHost() != null) {
            rawHost = uri.getHost();
        } else {
            int colon = authority.startsWith("[") ? authority.indexOf(':', authority.indexOf(']'))
                    : authority.lastIndexOf(':');
            rawHost = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(authority.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw invalid("bad port in " + authority);
                }
            }
        }
        boolean https = scheme.equalsIgnoreCase("https");
        if (port == -1) {
            port = https ? 443 : 80;
        }
        if (port < 1 || port > 65535) {
            throw invalid("bad port " + port);
        }
        if (rawHost.startsWith("[")) {
            String inner = rawHost.substring(1, rawHost.length() - 1);
            int zone = inner.indexOf('%');
            if (zone >= 0) {
                throw invalid("IPv6 zone identifiers are not fetched");
            }
            InetAddress address = literalIpv6(inner);
            return new FetchTarget(uri, inner.toLowerCase(Locale.ROOT), Optional.of(address), port, https, rawHost);
        }
        String host = normalise(rawHost);
        Optional<InetAddress> literal = Optional.empty();
        String[] labels = host.split("\\.", -1);
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            // As in the WHATWG URL standard: a host ending in a number is an IPv4 address or invalid, never a name.
            literal = Optional.of(AddressPolicy.parseLegacyIpv4(host)
                    .map(a -> (InetAddress) a)
                    .orElseThrow(() -> invalid("'" + rawHost + "' is neither a host name nor an IPv4 address")));
        }
        String header = literal.map(InetAddress::getHostAddress).orElse(host);
        return new FetchTarget(uri, header, literal, port, https, header);
    }

    /** The path and query sent in the request line. */
    String pathAndQuery() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** A Location header resolved against this URL and checked like any URL. */
    FetchTarget redirect(String location) {
        URI next;
        try {
            next = uri.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw invalid("bad redirect target '" + location + "'");
        }
        return parse(next.toString());
    }

    private static String normalise(String rawHost) {
        String host = rawHost;
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw invalid("URL has no host");
        }
        try {
            // IDNA maps full-width digits and dots to ASCII too, so "１２７．０．０．１" is 127.0.0.1 here as in browsers.
            host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw invalid("bad host name '" + rawHost + "'");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty() || host.contains("..") || !host.matches("[a-z0-9._-]+")) {
            throw invalid("bad host name '" + rawHost + "'");
        }
        return host;
    }

    private static InetAddress literalIpv6(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw invalid("bad IPv6 address '" + text + "'");
        }
    }

    private static IntakeException invalid(String message) {
        return new IntakeException(IntakeError.INVALID_URL, message);
    }
}
