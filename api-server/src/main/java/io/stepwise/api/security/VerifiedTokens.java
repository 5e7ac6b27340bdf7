package io.stepwise.api.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import javax.crypto.SecretKey;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * SmallRye's token parser, remembering each token it verified for a short while, so that a client
 * sending the same bearer token on every request pays for the RS256 signature check and the claim
 * checks once, not on every request (they were a quarter of the api-server's CPU on a run read).
 *
 * <p>A remembered token is accepted until the first of: its {@code exp}, its {@code iat} plus the
 * maximum token age ({@code mp.jwt.verify.token.age}), and {@value #REMEMBER_SECONDS} s after it was
 * verified. So it is never accepted when SmallRye would refuse it by its claims; the one difference
 * is a signing key withdrawn from a JWKS, whose tokens stay accepted for at most that long. Only a
 * token that verified is remembered: a refused one is checked again, and refused again, each time.
 * The identity (roles, the request's attributes) is still built per request by the validator.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {
    static final long REMEMBER_SECONDS = 60;
    /** Bounded: forgotten all at once when full (a client sends one token until it renews it). */
    static final int CAPACITY = 10_000;

    private record Verified(JsonWebToken token, long acceptedUntilSeconds) {
    }

    private final JWTParser verifier;
    private final long maxAgeSeconds;
    private final LongSupplier nowSeconds;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    @Inject
    public VerifiedTokens(DefaultJWTParser verifier,
                          @ConfigProperty(name = "mp.jwt.verify.token.age", defaultValue = "-1") long maxAgeSeconds) {
        this(verifier, maxAgeSeconds, () -> System.currentTimeMillis() / 1000);
    }

    VerifiedTokens(JWTParser verifier, long maxAgeSeconds, LongSupplier nowSeconds) {
        this.verifier = verifier;
        this.maxAgeSeconds = maxAgeSeconds;
        this.nowSeconds = nowSeconds;
    }

    @Override
    public JsonWebToken parse(String bearerToken) throws ParseException {
        long now = nowSeconds.getAsLong();
        Verified known = verified.get(bearerToken);
        if (known != null && now < known.acceptedUntilSeconds()) {
            return known.token();
        }
        JsonWebToken token = verifier.parse(bearerToken);
        long until = Math.min(token.getExpirationTime(), now + REMEMBER_SECONDS);
        if (maxAgeSeconds > 0) {
            until = Math.min(until, token.getIssuedAtTime() + maxAgeSeconds);
        }
        if (now < until) {
            if (verified.size() >= CAPACITY) {
                verified.clear();
            }
            verified.put(bearerToken, new Verified(token, until));
        } else if (known != null) {
            verified.remove(bearerToken);
        }
        return token;
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
