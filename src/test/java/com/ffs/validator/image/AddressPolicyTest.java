package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which destinations a fetch may reach, in every spelling a URL can give them. */
class AddressPolicyTest {

    private static final AddressPolicy STRICT = new AddressPolicy(false, List.of());

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0.0.0.0, unspecified",
            "0.1.2.3, unspecified",
            "127.0.0.1, loopback",
            "127.255.255.254, loopback",
            "10.0.0.1, private",
            "10.255.255.255, private",
            "172.16.0.1, private",
            "172.31.255.255, private",
            "192.168.1.1, private",
            "169.254.169.254, link-local",
            "169.254.0.1, link-local",
            "100.64.0.1, carrier-grade NAT",
            "100.127.255.255, carrier-grade NAT",
            "224.0.0.1, multicast",
            "239.255.255.250, multicast",
            "240.0.0.1, reserved",
            "255.255.255.255, broadcast",
            "192.0.0.8, IETF protocol assignments",
            "192.0.2.1, documentation",
            "198.18.0.1, benchmarking",
            "::, unspecified",
            "::1, loopback",
            "fc00::1, unique-local",
            "fd12:3456::1, unique-local",
            "fe80::1, link-local",
            "febf::1, link-local",
            "fec0::1, site-local",
            "ff02::1, multicast",
            "2001:db8::1, documentation",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo",
    })
    void shouldRefuseNonPublicAddresses(String address, String kind) {
        assertThat(STRICT.refusal(ip(address))).hasValueSatisfying(r -> assertThat(r).contains(kind));
    }

    @ParameterizedTest(name = "{0} embeds {1}")
    @CsvSource({
            "::ffff:127.0.0.1, loopback",
            "::ffff:7f00:1, loopback",
            "0:0:0:0:0:ffff:a9fe:a9fe, link-local",
            "::ffff:10.1.2.3, private",
            "::127.0.0.1, loopback",
            "::169.254.169.254, link-local",
            "::192.168.0.1, private",
            "::ffff:0:127.0.0.1, loopback",
            "64:ff9b::10.0.0.1, private",
            "64:ff9b::7f00:1, loopback",
            "2002:7f00:1::1, loopback",
            "2002:a9fe:a9fe::, link-local",
    })
    void shouldJudgeIpv6FormsByTheIpv4AddressTheyCarry(String address, String kind) {
        assertThat(STRICT.refusal(ip(address))).hasValueSatisfying(r -> assertThat(r).contains(kind));
    }

    @ParameterizedTest
    @ValueSource(strings = { "64:ff9b:1::808:808", "64:ff9b:1::a00:1", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
            "64:ff9b:1:a00:1::" })
    void shouldRefuseTheNat64LocalUsePrefixWhateverIpv4ItSeemsToCarry(String address) {
        assertThat(STRICT.refusal(ip(address))).hasValueSatisfying(r -> assertThat(r).contains("NAT64 local-use"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
            "172.32.0.0", "192.167.255.255", "169.253.255.255", "11.0.0.1", "223.255.255.255", "2606:4700::1111",
            "2a00:1450:4001:81c::200e", "::ffff:8.8.8.8", "64:ff9b::808:808" })
    void shouldAllowPublicAddresses(String address) {
        assertThat(STRICT.refusal(ip(address))).isEmpty();
    }

    @Test
    void shouldAllowPrivateNetworksOnlyWhenSwitchedOnOrListed() {
        assertThat(new AddressPolicy(true, List.of()).refusal(ip("10.1.2.3"))).isEmpty();
        assertThat(new AddressPolicy(true, List.of()).refusal(ip("169.254.169.254"))).isEmpty();
        AddressPolicy listed = new AddressPolicy(false, List.of("10.20.0.0/16", "fd00::/8", " images.internal ",
                "*.cdn.internal"));
        assertThat(listed.refusal(ip("10.20.3.4"))).isEmpty();
        assertThat(listed.refusal(ip("::ffff:10.20.3.4"))).isEmpty();
        assertThat(listed.refusal(ip("10.21.0.1"))).isPresent();
        assertThat(listed.refusal(ip("fd00::5"))).isEmpty();
        assertThat(listed.refusal(ip("127.0.0.1"))).isPresent();
        assertThat(listed.hostAllowlisted("images.internal")).isTrue();
        assertThat(listed.hostAllowlisted("IMAGES.internal")).isTrue();
        assertThat(listed.hostAllowlisted("a.cdn.internal")).isTrue();
        assertThat(listed.hostAllowlisted("evilcdn.internal")).isFalse();
        assertThat(listed.hostAllowlisted("images.internal.evil.com")).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Odd spellings in URLs: they are literal addresses, never names for DNS

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "http://2130706433/, 127.0.0.1",
            "http://0x7f000001/, 127.0.0.1",
            "http://0X7F000001/, 127.0.0.1",
            "http://017700000001/, 127.0.0.1",
            "http://0177.0.0.1/, 127.0.0.1",
            "http://0x7f.0.0.1/, 127.0.0.1",
            "http://0x7f.1/, 127.0.0.1",
            "http://127.1/, 127.0.0.1",
            "http://127.0.1/, 127.0.0.1",
            "http://127.0.0.1./, 127.0.0.1",
            "http://0/, 0.0.0.0",
            "http://0x0/, 0.0.0.0",
            "http://0251.0376.0251.0376/, 169.254.169.254",
            "http://2852039166/, 169.254.169.254",
            "http://0xa9fea9fe/, 169.254.169.254",
            "http://0xa9.0xfe.0xa9.0xfe/, 169.254.169.254",
            "http://169.254.43518/, 169.254.169.254",
            "http://10.1/, 10.0.0.1",
            "http://012.1/, 10.0.0.1",
            "http://[::ffff:127.0.0.1]/, 127.0.0.1",
            "http://[::ffff:7f00:1]/, 127.0.0.1",
            "http://[0:0:0:0:0:ffff:127.0.0.1]/, 127.0.0.1",
            "http://[::1]:8080/, 0:0:0:0:0:0:0:1",
            "http://[::127.0.0.1]/, 0:0:0:0:0:0:7f00:1",
            "http://[fe80::1]/, fe80:0:0:0:0:0:0:1",
            "http://１２７．０．０．１/, 127.0.0.1",
    })
    void shouldReadOddSpellingsAsTheAddressTheyAre(String url, String address) {
        FetchTarget target = FetchTarget.parse(url);
        assertThat(target.literal()).hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo(address));
        assertThat(STRICT.refusal(target.literal().get())).as(url).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://127.0.0.1.1/", "http://256.0.0.1/", "http://0x100000000/", "http://4294967296/",
            "http://08.0.0.1/", "http://0xg.1/", "http://foo.123/", "http://[fe80::1%25eth0]/", "http://[::1/",
            "http://[zz::1]/", "http://a..b/", "http://exa_mple.com%00.evil/" })
    void shouldRejectHostsThatAreNeitherNamesNorAddresses(String url) {
        assertThatThrownBy(() -> FetchTarget.parse(url)).isInstanceOfSatisfying(IntakeException.class,
                e -> assertThat(e.error()).isEqualTo(IntakeError.INVALID_URL));
    }

    @Test
    void shouldKeepRealNamesAsNames() {
        FetchTarget t = FetchTarget.parse("https://Images.Example.COM./a/b.jpg?x=1&y=%20");
        assertThat(t.literal()).isEmpty();
        assertThat(t.host()).isEqualTo("images.example.com");
        assertThat(t.port()).isEqualTo(443);
        assertThat(t.https()).isTrue();
        assertThat(t.pathAndQuery()).isEqualTo("/a/b.jpg?x=1&y=%20");
        assertThat(FetchTarget.parse("http://0x7f.example.com/").literal()).isEmpty();
        assertThat(FetchTarget.parse("http://bücher.example/").host()).isEqualTo("xn--bcher-kva.example");
        assertThat(FetchTarget.parse("http://cdn.example:8080").pathAndQuery()).isEqualTo("/");
    }

    @Test
    void shouldResolveRedirectsAgainstTheCurrentUrl() {
        FetchTarget t = FetchTarget.parse("https://images.example.com/a/b.jpg");
        assertThat(t.redirect("/c.jpg").uri().toString()).isEqualTo("https://images.example.com/c.jpg");
        assertThat(t.redirect("d.jpg").uri().toString()).isEqualTo("https://images.example.com/a/d.jpg");
        assertThat(t.redirect("//cdn.example.net/e.jpg").host()).isEqualTo("cdn.example.net");
        assertThat(t.redirect("http://2130706433/").literal()).isPresent();
        assertThatThrownBy(() -> t.redirect("file:///etc/passwd")).isInstanceOfSatisfying(IntakeException.class,
                e -> assertThat(e.error()).isEqualTo(IntakeError.INVALID_URL));
    }
}
