package io.stepwise.api.testing;

import io.smallrye.jwt.build.Jwt;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/** Tokens minted in the test with SmallRye's builder, signed by the key {@link StepwiseTestResource} made. */
public final class TestTokens {
    private TestTokens() {
    }

    public static String as(String role) {
        return Jwt.issuer(StepwiseTestResource.ISSUER).audience(StepwiseTestResource.AUDIENCE).subject("tester-" + role)
                .groups(Set.of(role)).expiresIn(3600).sign(privateKey());
    }

    public static String expired(String role) {
        return Jwt.issuer(StepwiseTestResource.ISSUER).audience(StepwiseTestResource.AUDIENCE).subject("late")
                .groups(Set.of(role)).issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(privateKey());
    }

    public static String wrongIssuer(String role) {
        return Jwt.issuer("https://somebody-else.example").audience(StepwiseTestResource.AUDIENCE).subject("eve")
                .groups(Set.of(role)).expiresIn(3600).sign(privateKey());
    }

    /** Signed by the right key for the right issuer, but meant for another service. */
    public static String wrongAudience(String role) {
        return Jwt.issuer(StepwiseTestResource.ISSUER).audience("some-other-api").subject("eve").groups(Set.of(role))
                .expiresIn(3600).sign(privateKey());
    }

    /** Right key and issuer, no aud claim at all. */
    public static String withoutAudience(String role) {
        return Jwt.issuer(StepwiseTestResource.ISSUER).subject("eve").groups(Set.of(role)).expiresIn(3600)
                .sign(privateKey());
    }

    /** Still within its exp, but issued longer ago than the api-server's maximum token age (24 h). */
    public static String issuedTooLongAgo(String role) {
        Instant now = Instant.now();
        return Jwt.issuer(StepwiseTestResource.ISSUER).audience(StepwiseTestResource.AUDIENCE).subject("old")
                .groups(Set.of(role)).issuedAt(now.minusSeconds(25 * 3600)).expiresAt(now.plusSeconds(3600))
                .sign(privateKey());
    }

    /** Issued 23 h ago and valid for another hour: younger than the maximum age, so accepted. */
    public static String issuedWithinTheMaximumAge(String role) {
        Instant now = Instant.now();
        return Jwt.issuer(StepwiseTestResource.ISSUER).audience(StepwiseTestResource.AUDIENCE).subject("seasoned")
                .groups(Set.of(role)).issuedAt(now.minusSeconds(23 * 3600)).expiresAt(now.plusSeconds(3600))
                .sign(privateKey());
    }

    /** A valid token whose payload was changed after signing (admin rights added). */
    public static String tampered() {
        String[] parts = as("stepwise.viewer").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("stepwise.viewer", "stepwise.admin");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** An unsigned token: {@code alg: none}. */
    public static String unsigned(String role) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + StepwiseTestResource.ISSUER + "\",\"aud\":\""
                + StepwiseTestResource.AUDIENCE + "\",\"sub\":\"mallory\","
                + "\"groups\":[\"" + role + "\"],\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    private static PrivateKey privateKey() {
        try {
            byte[] der = Base64.getDecoder().decode(System.getProperty(StepwiseTestResource.PRIVATE_KEY_PROPERTY));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException("no test key: is StepwiseTestResource active?", e);
        }
    }
}
