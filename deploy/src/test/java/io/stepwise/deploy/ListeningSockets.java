package io.stepwise.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses a TCP port listens on, read from Linux's /proc/net/tcp and tcp6 (every process on the
 * host, not only this JVM). An IPv4-mapped IPv6 listener (::ffff:127.0.0.1) reads as its IPv4 address.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";
    private static final Path TCP = Path.of("/proc/net/tcp");
    private static final Path TCP6 = Path.of("/proc/net/tcp6");

    private ListeningSockets() {
    }

    static boolean readable() {
        return Files.isReadable(TCP);
    }

    static List<String> addresses(int port) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path table : List.of(TCP, TCP6)) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (f[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
                    found.add(address(local[0]));
                }
            }
        }
        return found;
    }

    /** The kernel writes each 32-bit word in host (little-endian) order. */
    private static String address(String hex) {
        if (hex.length() == 8) {
            return ipv4(hex);
        }
        if (hex.startsWith("0000000000000000FFFF0000")) {
            return ipv4(hex.substring(24));
        }
        StringBuilder b = new StringBuilder();
        for (int word = 0; word < 4; word++) {
            String w = hex.substring(word * 8, word * 8 + 8);
            String be = w.substring(6, 8) + w.substring(4, 6) + w.substring(2, 4) + w.substring(0, 2);
            b.append(word == 0 ? "" : ":").append(be, 0, 4).append(':').append(be, 4, 8);
        }
        return b.toString().toLowerCase();
    }

    private static String ipv4(String hex) {
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }
}
