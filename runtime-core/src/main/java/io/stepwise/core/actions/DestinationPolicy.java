package io.stepwise.core.actions;

import com.google.common.net.InetAddresses;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where {@code http.request} may connect, decided on resolved addresses: an address matching a
 * rule of {@code stepwise.http.deny} is refused; when {@code stepwise.http.allow} has rules, an
 * address matching none of them is refused too. Deny wins over allow.
 */
public final class DestinationPolicy {
    public static final String DENY_SETTING = "stepwise.http.deny";
    public static final String ALLOW_SETTING = "stepwise.http.allow";

    /**
     * Cloud metadata services and link-local addresses: where a worker's cloud credentials live.
     * The metadata addresses come first so that a refusal names the most specific rule.
     */
    public static final String DEFAULT_DENY_TEXT = "169.254.169.254,fd00:ec2::254,100.100.100.200,169.254.0.0/16,fe80::/10";
    public static final List<String> DEFAULT_DENY = List.of(DEFAULT_DENY_TEXT.split(","));
    /** Written alone as the deny list: deny nothing (an empty value means "not set" to the configuration). */
    public static final String DENY_NOTHING = "none";

    private final List<AddressRange> deny;
    private final List<AddressRange> allow;

    private DestinationPolicy(List<AddressRange> deny, List<AddressRange> allow) {
        this.deny = List.copyOf(deny);
        this.allow = List.copyOf(allow);
    }

    /** Rules as an operator writes them; an empty allow list allows every address that is not denied. */
    public static DestinationPolicy of(List<String> deny, List<String> allow) {
        List<String> denied = deny.size() == 1 && deny.get(0).strip().equalsIgnoreCase(DENY_NOTHING) ? List.of() : deny;
        return new DestinationPolicy(parse(DENY_SETTING, denied), parse(ALLOW_SETTING, allow));
    }

    /** {@link #DEFAULT_DENY}, no allow list. */
    public static DestinationPolicy defaults() {
        return of(DEFAULT_DENY, List.of());
    }

    private static List<AddressRange> parse(String setting, List<String> rules) {
        return rules.stream().map(String::strip).filter(r -> !r.isEmpty()).map(rule -> {
            try {
                return AddressRange.parse(rule);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
            }
        }).toList();
    }

    /** Why {@code address} (which {@code host} resolved to) may not be reached, or empty when it may. */
    public Optional<String> refusal(String host, InetAddress address) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String shown = InetAddresses.toAddrString(address);
        String destination = name.equalsIgnoreCase(shown)
                ? "destination " + shown
                : "destination " + name + " (" + shown + ")";
        for (AddressRange rule : deny) {
            if (rule.contains(address)) {
                return Optional.of(destination + " is denied by " + DENY_SETTING + " (" + rule + ")");
            }
        }
        if (!allow.isEmpty() && allow.stream().noneMatch(rule -> rule.contains(address))) {
            return Optional.of(destination + " is not in " + ALLOW_SETTING + " (" + describe(allow) + ")");
        }
        return Optional.empty();
    }

    /** The rules, for the worker's start-up line. */
    @Override
    public String toString() {
        return "deny=[" + describe(deny) + "] allow=[" + describe(allow) + "]";
    }

    private static String describe(List<AddressRange> rules) {
        return rules.stream().map(AddressRange::toString).collect(Collectors.joining(", "));
    }
}
