package io.stepwise.core.expr;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of one URL component (a path segment, a query name or value): every byte of
 * the UTF-8 text except RFC 3986's unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) becomes
 * {@code %XX}, so a space is {@code %20}, never the form encoding's {@code +}.
 */
public final class UrlEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlEncoding() {
    }

    public static String component(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
