package io.stepwise.api.security;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import javax.crypto.SecretKey;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A token is verified once and then accepted without a new check only while SmallRye would still
 * accept it by its claims; a refused token is never remembered.
 */
class VerifiedTokensTest {
    private static final long MAX_AGE = 86_400;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Verifier verifier = new Verifier();
    private final VerifiedTokens tokens = new VerifiedTokens(verifier, MAX_AGE, now::get);

    @Test
    void aVerifiedTokenIsCheckedOnceThenRemembered() throws Exception {
        verifier.valid("a", now.get() - 10, now.get() + 3_600);
        JsonWebToken first = tokens.parse("a");
        now.addAndGet(30);
        assertThat(tokens.parse("a")).isSameAs(first);
        assertThat(verifier.checked).containsExactly("a");
    }

    @Test
    void aRememberedTokenIsCheckedAgainAfterAMinute() throws Exception {
        verifier.valid("a", now.get(), now.get() + 3_600);
        tokens.parse("a");
        now.addAndGet(VerifiedTokens.REMEMBER_SECONDS);
        tokens.parse("a");
        assertThat(verifier.checked).containsExactly("a", "a");
    }

    @Test
    void aTokenIsNotAcceptedFromMemoryOnceItsExpHasPassed() throws Exception {
        verifier.valid("a", now.get(), now.get() + 5);
        tokens.parse("a");
        now.addAndGet(5);
        verifier.refuse("a");
        assertThatThrownBy(() -> tokens.parse("a")).isInstanceOf(ParseException.class);
        assertThat(verifier.checked).containsExactly("a", "a");
    }

    @Test
    void aTokenIsNotAcceptedFromMemoryOnceItIsOlderThanTheMaximumAge() throws Exception {
        verifier.valid("a", now.get() - MAX_AGE + 5, now.get() + 3_600);
        tokens.parse("a");
        now.addAndGet(5);
        verifier.refuse("a");
        assertThatThrownBy(() -> tokens.parse("a")).isInstanceOf(ParseException.class);
    }

    @Test
    void aRefusedTokenIsCheckedEveryTime() {
        verifier.refuse("bad");
        assertThatThrownBy(() -> tokens.parse("bad")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> tokens.parse("bad")).isInstanceOf(ParseException.class);
        assertThat(verifier.checked).containsExactly("bad", "bad");
    }

    @Test
    void anotherTokenWithTheSameClaimsIsCheckedOnItsOwn() throws Exception {
        verifier.valid("signed", now.get(), now.get() + 3_600);
        tokens.parse("signed");
        verifier.refuse("signed-but-altered");
        assertThatThrownBy(() -> tokens.parse("signed-but-altered")).isInstanceOf(ParseException.class);
        assertThat(verifier.checked).containsExactly("signed", "signed-but-altered");
    }

    /** Stands in for SmallRye's parser: accepts or refuses each token text, and records every check. */
    private static final class Verifier implements JWTParser {
        final List<String> checked = new ArrayList<>();
        private final Map<String, JsonWebToken> accepted = new java.util.HashMap<>();

        void valid(String text, long iat, long exp) {
            accepted.put(text, new Token(text, iat, exp));
        }

        void refuse(String text) {
            accepted.remove(text);
        }

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            checked.add(token);
            JsonWebToken jwt = accepted.get(token);
            if (jwt == null) {
                throw new ParseException("refused: " + token);
            }
            return jwt;
        }

        @Override
        public JsonWebToken parse(String token, JWTAuthContextInfo context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken verify(String token, PublicKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken verify(String token, SecretKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken verify(String token, String secret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken decrypt(String token, PrivateKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken decrypt(String token, SecretKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken decrypt(String token, String secret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken parseOnly(String token) {
            throw new UnsupportedOperationException();
        }
    }

    private record Token(String raw, long iat, long exp) implements JsonWebToken {
        @Override
        public String getName() {
            return "tester";
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("iat", "exp", "raw_token");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return (T) switch (claimName) {
                case "iat" -> (Object) iat;
                case "exp" -> (Object) exp;
                case "raw_token" -> raw;
                default -> null;
            };
        }
    }
}
