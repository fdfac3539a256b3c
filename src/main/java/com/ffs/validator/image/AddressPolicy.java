package com.ffs.validator.image;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides which addresses a fetch may connect to. Non-public destinations (loopback, private, link-local with the
 * cloud metadata address, carrier-grade NAT, multicast, reserved) are refused unless private fetching is switched on
 * or the host or range is on the allowlist. IPv6 forms that embed an IPv4 address are judged by that address.
 */
public final class AddressPolicy {

    private static final List<Cidr> BLOCKED = List.of(
            Cidr.parse("0.0.0.0/8", "unspecified"),
            Cidr.parse("10.0.0.0/8", "private"),
            Cidr.parse("100.64.0.0/10", "carrier-grade NAT"),
            Cidr.parse("127.0.0.0/8", "loopback"),
            Cidr.parse("169.254.0.0/16", "link-local"),
            Cidr.parse("172.16.0.0/12", "private"),
            Cidr.parse("192.0.0.0/24", "IETF protocol assignments"),
            Cidr.parse("192.0.2.0/24", "documentation"),
            Cidr.parse("192.88.99.0/24", "6to4 relay"),
            Cidr.parse("192.168.0.0/16", "private"),
            Cidr.parse("198.18.0.0/15", "benchmarking"),
            Cidr.parse("198.51.100.0/24", "documentation"),
            Cidr.parse("203.0.113.0/24", "documentation"),
            Cidr.parse("224.0.0.0/4", "multicast"),
            Cidr.parse("255.255.255.255/32", "broadcast"),
            Cidr.parse("240.0.0.0/4", "reserved"),
            Cidr.parse("::/128", "unspecified"),
            Cidr.parse("::1/128", "loopback"),
            Cidr.parse("fc00::/7", "unique-local"),
            Cidr.parse("fe80::/10", "link-local"),
            Cidr.parse("fec0::/10", "site-local"),
            Cidr.parse("ff00::/8", "multicast"),
            Cidr.parse("2001:db8::/32", "documentation"),
            Cidr.parse("2001::/32", "Teredo"),
            // A local NAT64 translates to IPv4 with a prefix length of the operator's choice (RFC 8215), so the IPv4
            // address inside cannot be read reliably: the whole range is refused.
            Cidr.parse("64:ff9b:1::/48", "NAT64 local-use"),
            Cidr.parse("100::/64", "discard"));

    private final boolean allowPrivate;
    private final List<String> allowedHosts;
    private final List<Cidr> allowedRanges;

    public AddressPolicy(boolean allowPrivate, List<String> allowlist) {
        this.allowPrivate = allowPrivate;
        List<String> hosts = new ArrayList<>();
        List<Cidr> ranges = new ArrayList<>();
        for (String entry : allowlist) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            Optional<Cidr> range = Cidr.tryParse(e);
            if (range.isPresent()) {
                ranges.add(range.get());
            } else {
                hosts.add(e);
            }
        }
        this.allowedHosts = List.copyOf(hosts);
        this.allowedRanges = List.copyOf(ranges);
    }

    /** Whether every address of {@code host} may be fetched without checking (an allowlisted name). */
    public boolean hostAllowlisted(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String allowed : allowedHosts) {
            if (allowed.startsWith("*.") ? h.endsWith(allowed.substring(1)) : h.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    /** Why {@code address} is refused, or empty if it may be connected to. */
    public Optional<String> refusal(InetAddress address) {
        if (allowPrivate) {
            return Optional.empty();
        }
        for (Cidr allowed : allowedRanges) {
            if (allowed.contains(address)) {
                return Optional.empty();
            }
        }
        InetAddress judged = embeddedIpv4(address).map(a -> (InetAddress) a).orElse(address);
        for (Cidr allowed : allowedRanges) {
            if (allowed.contains(judged)) {
                return Optional.empty();
            }
        }
        for (Cidr blocked : BLOCKED) {
            if (blocked.contains(judged)) {
                String shown = judged == address ? address.getHostAddress()
                        : address.getHostAddress() + " (" + judged.getHostAddress() + ")";
                if (blocked.label.startsWith("NAT64")) {
                    byte[] b = address.getAddress();
                    shown = address.getHostAddress() + " (maybe " + ipv4(b[12], b[13], b[14], b[15]).getHostAddress()
                            + " behind a local translator)";
                }
                return Optional.of(shown + " is a " + blocked.label + " address");
            }
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address inside an IPv6 address that carries one: IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible
     * {@code ::a.b.c.d}, IPv4-translated {@code ::ffff:0:a.b.c.d}, NAT64 {@code 64:ff9b::/96} and 6to4
     * {@code 2002::/16}.
     */
    static Optional<Inet4Address> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !(isZero(b, 12, 3) && (b[15] == 0 || b[15] == 1));
        // SIIT's IPv4-translated form ::ffff:0:a.b.c.d.
        boolean translated = isZero(b, 0, 8) && (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && b[10] == 0
                && b[11] == 0;
        boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
                && isZero(b, 4, 8);
        if (mapped || compatible || translated || nat64) {
            return Optional.of(ipv4(b[12], b[13], b[14], b[15]));
        }
        if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
            return Optional.of(ipv4(b[2], b[3], b[4], b[5]));
        }
        return Optional.empty();
    }

    /**
     * Parses the IPv4 spellings that {@code inet_aton} accepts and browsers normalise: one to four parts, each
     * decimal, octal ({@code 0177}) or hex ({@code 0x7f}), the last part filling the remaining bytes
     * ({@code 127.1}, {@code 2130706433}).
     */
    public static Optional<Inet4Address> parseLegacyIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4 || host.isEmpty()) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].toLowerCase(Locale.ROOT);
            try {
                if (p.startsWith("0x")) {
                    values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                } else if (p.length() > 1 && p.startsWith("0")) {
                    values[i] = Long.parseLong(p.substring(1), 8);
                } else {
                    values[i] = Long.parseLong(p);
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (values[i] < 0) {
                return Optional.empty();
            }
        }
        long result = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return Optional.empty();
            }
            result |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        long lastMax = (1L << (8 * (4 - (parts.length - 1)))) - 1;
        if (last > lastMax) {
            return Optional.empty();
        }
        result |= last;
        return Optional.of(ipv4((byte) (result >> 24), (byte) (result >> 16), (byte) (result >> 8), (byte) result));
    }

    private static boolean isZero(byte[] b, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address ipv4(byte a, byte b, byte c, byte d) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] { a, b, c, d });
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address range. */
    record Cidr(byte[] network, int prefix, String label) {

        static Cidr parse(String cidr, String label) {
            return tryParse(cidr).map(c -> new Cidr(c.network, c.prefix, label))
                    .orElseThrow(() -> new IllegalArgumentException("not a CIDR range: " + cidr));
        }

        static Optional<Cidr> tryParse(String text) {
            int slash = text.indexOf('/');
            String addr = slash < 0 ? text : text.substring(0, slash);
            if (!addr.contains(":") && !addr.matches("[0-9.]+")) {
                return Optional.empty();
            }
            try {
                byte[] bytes = InetAddress.getByName(addr).getAddress();
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    return Optional.empty();
                }
                return Optional.of(new Cidr(bytes, prefix, "allowlisted"));
            } catch (UnknownHostException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}
