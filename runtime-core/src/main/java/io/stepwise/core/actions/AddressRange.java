package io.stepwise.core.actions;

import com.google.common.net.InetAddresses;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One rule of the destination policy: an IPv4 or IPv6 address, or a CIDR block such as
 * {@code 10.0.0.0/8} or {@code fe80::/10}. Only literals are accepted: a rule never causes a DNS
 * lookup. An address matches a block of its own family; IPv4 addresses written inside IPv6
 * ({@code ::ffff:a.b.c.d}, {@code 64:ff9b::a.b.c.d}) are compared as the IPv4 address they reach.
 */
public final class AddressRange {
    private final String text;
    private final byte[] network;
    private final int prefix;

    private AddressRange(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses {@code address} or {@code address/prefix}; an error says what is wrong with the text. */
    public static AddressRange parse(String rule) {
        String text = rule == null ? "" : rule.strip();
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        if (literal.contains("%") || !InetAddresses.isInetAddress(literal)) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block"
                    + " (host names are not accepted: a rule must not depend on DNS)");
        }
        InetAddress address = InetAddresses.forString(literal);
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            // ::ffff:a.b.c.d/n is parsed as IPv4: its prefix counts the 96 bits in front too
            int written = literal.contains(":") ? 128 : bits;
            if (prefix < 0 || prefix > written || (written == 128 && bits == 32 && prefix < 96)) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + written);
            }
            prefix -= written - bits;
        }
        byte[] network = mask(bytes, prefix);
        if (!Arrays.equals(network, bytes)) {
            throw new IllegalArgumentException("'" + text + "' has bits set after the prefix; did you mean '"
                    + InetAddresses.toAddrString(toAddress(network)) + "/" + (slash < 0 ? prefix : text.substring(slash + 1)) + "'?");
        }
        return new AddressRange(text, network, prefix);
    }

    /** Whether {@code address}, or the IPv4 address it embeds, lies in this range. */
    public boolean contains(InetAddress address) {
        if (covers(address.getAddress())) {
            return true;
        }
        Inet4Address embedded = embeddedIPv4(address);
        return embedded != null && covers(embedded.getAddress());
    }

    private boolean covers(byte[] candidate) {
        return candidate.length == network.length && Arrays.equals(mask(candidate, prefix), network);
    }

    /**
     * The IPv4 address an IPv6 address stands for when a packet to it reaches an IPv4 host:
     * IPv4-mapped ({@code ::ffff:0:0/96}), IPv4-compatible ({@code ::/96}) and the NAT64
     * well-known prefix ({@code 64:ff9b::/96}); null for other addresses.
     */
    static Inet4Address embeddedIPv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        boolean zeros80 = allZero(b, 0, 10);
        boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 15);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        if (!mapped && !compatible && !nat64) {
            return null;
        }
        return (Inet4Address) toAddress(Arrays.copyOfRange(b, 12, 16));
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address", e);
        }
    }

    /** The rule as the operator wrote it. */
    @Override
    public String toString() {
        return text;
    }
}
