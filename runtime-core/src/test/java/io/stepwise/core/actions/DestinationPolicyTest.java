package io.stepwise.core.actions;

import com.google.common.net.InetAddresses;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Address matching only: every address here is a literal, nothing is resolved or connected to. */
class DestinationPolicyTest {

    private static InetAddress ip(String literal) {
        return InetAddresses.forString(literal);
    }

    @Nested
    class Defaults {
        private final DestinationPolicy policy = DestinationPolicy.defaults();

        @Test
        void theCloudMetadataAddressesAreDeniedNamingTheirOwnRule() {
            assertThat(policy.refusal("169.254.169.254", ip("169.254.169.254")))
                    .hasValue("destination 169.254.169.254 is denied by stepwise.http.deny (169.254.169.254)");
            assertThat(policy.refusal("[fd00:ec2::254]", ip("fd00:ec2::254")))
                    .hasValue("destination fd00:ec2::254 is denied by stepwise.http.deny (fd00:ec2::254)");
            assertThat(policy.refusal("100.100.100.200", ip("100.100.100.200")))
                    .hasValue("destination 100.100.100.200 is denied by stepwise.http.deny (100.100.100.200)");
        }

        @Test
        void aHostNameIsNamedWithTheAddressItResolvedTo() {
            assertThat(policy.refusal("metadata.google.internal", ip("169.254.169.254")))
                    .hasValue("destination metadata.google.internal (169.254.169.254) is denied by stepwise.http.deny"
                            + " (169.254.169.254)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"169.254.0.1", "169.254.255.255", "fe80::1", "fe80::abcd:1234", "febf:ffff::1"})
        void linkLocalIsDenied(String address) {
            assertThat(policy.refusal(address, ip(address))).get().asString().contains("is denied by stepwise.http.deny");
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.1", "127.0.0.1", "192.168.1.10", "172.16.0.1", "8.8.8.8", "169.253.255.255",
                "169.255.0.0", "::1", "fec0::1", "fd00:ec2::253", "2001:db8::1", "100.100.100.201"})
        void otherAddressesAreAllowedByDefault(String address) {
            assertThat(policy.refusal(address, ip(address))).isEmpty();
        }

        @Test
        void anIpv4MappedIpv6AddressIsJudgedAsTheIpv4AddressItReaches() throws Exception {
            // the parser already turns ::ffff:a.b.c.d into an IPv4 address ...
            assertThat(policy.refusal("[::ffff:169.254.169.254]", ip("::ffff:169.254.169.254")))
                    .hasValue("destination ::ffff:169.254.169.254 (169.254.169.254) is denied by stepwise.http.deny"
                            + " (169.254.169.254)");
            // ... and an address that stays IPv6 in memory is still matched by its IPv4 part
            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254};
            Inet6Address stillIpv6 = Inet6Address.getByAddress(null, mapped, 0);
            assertThat(policy.refusal("name", stillIpv6)).get().asString().contains("(169.254.169.254)");
        }

        @Test
        void theNat64FormOfAMetadataAddressIsDeniedToo() {
            assertThat(policy.refusal("[64:ff9b::a9fe:a9fe]", ip("64:ff9b::a9fe:a9fe")))
                    .get().asString().contains("is denied by stepwise.http.deny (169.254.169.254)");
            assertThat(policy.refusal("[64:ff9b::a00:1]", ip("64:ff9b::a00:1"))).isEmpty();
        }
    }

    @Nested
    class Configured {
        @Test
        void anOperatorsDenyListReplacesTheDefaults() {
            DestinationPolicy policy = DestinationPolicy.of(List.of("127.0.0.0/8", "::1"), List.of());
            assertThat(policy.refusal("127.0.0.1", ip("127.0.0.1")))
                    .hasValue("destination 127.0.0.1 is denied by stepwise.http.deny (127.0.0.0/8)");
            assertThat(policy.refusal("localhost", ip("::1")))
                    .hasValue("destination localhost (::1) is denied by stepwise.http.deny (::1)");
            assertThat(policy.refusal("169.254.169.254", ip("169.254.169.254"))).isEmpty();
        }

        @Test
        void anAllowListPermitsOnlyMatchingAddresses() {
            DestinationPolicy policy = DestinationPolicy.of(DestinationPolicy.DEFAULT_DENY,
                    List.of("10.0.0.0/8", "2001:db8::/32"));
            assertThat(policy.refusal("10.1.2.3", ip("10.1.2.3"))).isEmpty();
            assertThat(policy.refusal("[2001:db8::7]", ip("2001:db8::7"))).isEmpty();
            assertThat(policy.refusal("api.example", ip("192.168.1.1")))
                    .hasValue("destination api.example (192.168.1.1) is not in stepwise.http.allow (10.0.0.0/8, 2001:db8::/32)");
            assertThat(policy.refusal("127.0.0.1", ip("127.0.0.1"))).get().asString().contains("is not in stepwise.http.allow");
        }

        @Test
        void denyWinsOverAllow() {
            DestinationPolicy policy = DestinationPolicy.of(DestinationPolicy.DEFAULT_DENY, List.of("169.254.0.0/16"));
            assertThat(policy.refusal("169.254.169.254", ip("169.254.169.254"))).get().asString()
                    .contains("is denied by stepwise.http.deny");
            assertThat(policy.refusal("169.254.10.10", ip("169.254.10.10"))).get().asString()
                    .contains("is denied by stepwise.http.deny (169.254.0.0/16)");
        }

        @Test
        void emptyEntriesAreIgnoredAndNoneDeniesNothing() {
            DestinationPolicy blank = DestinationPolicy.of(List.of(" ", ""), List.of(""));
            assertThat(blank.refusal("169.254.169.254", ip("169.254.169.254"))).isEmpty();
            DestinationPolicy none = DestinationPolicy.of(List.of("none"), List.of());
            assertThat(none.refusal("169.254.169.254", ip("169.254.169.254"))).isEmpty();
            assertThat(none.refusal("fe80::1", ip("fe80::1"))).isEmpty();
        }

        @Test
        void aBadRuleNamesTheSettingAndTheRule() {
            assertThatThrownBy(() -> DestinationPolicy.of(List.of("10.0.0.0/8", "metadata.google.internal"), List.of()))
                    .hasMessageStartingWith("stepwise.http.deny: 'metadata.google.internal' is not an IP address or CIDR block");
            assertThatThrownBy(() -> DestinationPolicy.of(List.of(), List.of("10.0.0.1/8")))
                    .hasMessage("stepwise.http.allow: '10.0.0.1/8' has bits set after the prefix; did you mean '10.0.0.0/8'?");
        }
    }

    @Nested
    class Ranges {
        @Test
        void aBlockContainsItsFirstAndLastAddressAndNothingOutside() {
            AddressRange ten = AddressRange.parse("10.0.0.0/8");
            assertThat(ten.contains(ip("10.0.0.0"))).isTrue();
            assertThat(ten.contains(ip("10.255.255.255"))).isTrue();
            assertThat(ten.contains(ip("11.0.0.0"))).isFalse();
            assertThat(ten.contains(ip("9.255.255.255"))).isFalse();
            AddressRange odd = AddressRange.parse("192.168.4.0/22");
            assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
            assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
            assertThat(odd.contains(ip("192.168.3.255"))).isFalse();
            AddressRange fe80 = AddressRange.parse("fe80::/10");
            assertThat(fe80.contains(ip("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
            assertThat(fe80.contains(ip("fec0::"))).isFalse();
        }

        @Test
        void aSingleAddressMatchesOnlyItself() {
            AddressRange one = AddressRange.parse("127.0.0.1");
            assertThat(one.contains(ip("127.0.0.1"))).isTrue();
            assertThat(one.contains(ip("127.0.0.2"))).isFalse();
            assertThat(AddressRange.parse("::1").contains(ip("::1"))).isTrue();
            assertThat(AddressRange.parse("::1").contains(ip("::2"))).isFalse();
        }

        @Test
        void familiesDoNotMix() {
            assertThat(AddressRange.parse("0.0.0.0/0").contains(ip("10.0.0.1"))).isTrue();
            assertThat(AddressRange.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
            assertThat(AddressRange.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
            assertThat(AddressRange.parse("::/0").contains(ip("10.0.0.1"))).isFalse();
        }

        @Test
        void anIpv4MappedBlockIsAnIpv4Block() {
            AddressRange mapped = AddressRange.parse("::ffff:169.254.0.0/112");
            assertThat(mapped.contains(ip("169.254.3.4"))).isTrue();
            assertThat(mapped.contains(ip("169.255.3.4"))).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "localhost", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "::/129", "10.0.0",
                "fe80::1%eth0", "1.2.3.4.5", "::ffff:1.2.3.4/95"})
        void malformedRulesAreRefused(String rule) {
            assertThatThrownBy(() -> AddressRange.parse(rule)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + rule + "'");
        }

        @Property
        void everyIpv4AddressIsInsideItsOwnBlockAndABitFlipInThePrefixLeavesIt(
                @ForAll int bits, @ForAll @IntRange(min = 1, max = 32) int prefix, @ForAll @IntRange(min = 0, max = 31) int flip) {
            InetAddress address = InetAddresses.fromInteger(bits);
            int network = prefix == 32 ? bits : bits & ~(-1 >>> prefix);
            AddressRange block = AddressRange.parse(InetAddresses.toAddrString(InetAddresses.fromInteger(network)) + "/" + prefix);
            assertThat(block.contains(address)).isTrue();
            int flipped = bits ^ (1 << (31 - flip));
            assertThat(block.contains(InetAddresses.fromInteger(flipped))).isEqualTo(flip >= prefix);
        }
    }
}
