package io.stepwise.bootstrap.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.bootstrap.crypto.EncryptionCodec;
import io.stepwise.core.crypto.Keyring;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;

import java.util.Optional;

/**
 * What the payload codec costs (issue 13): a typical activity input (an evaluated http.request
 * {@code with}, about 1 KB of JSON) converted to payloads and back, N times, with Temporal's default
 * converter (the baseline) and with the AES-256-GCM codec, in turns. Prints microseconds per round
 * trip for both, the difference and the ratio. Run with deploy/bench/payload-codec.sh [N] [rounds].
 */
public final class PayloadCodecBenchmark {
    private PayloadCodecBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        JsonNode with = new ObjectMapper().readTree("""
                {"method": "POST", "url": "https://tickets.example.com/api/v2/tickets/T-4711/comments",
                 "headers": {"Authorization": "Bearer tok-3f9a7c2e51b84d0fa6e2c9d1b7e4a8f0", "Content-Type": "application/json",
                             "X-Request-Id": "0b7c1e9a-4d2f-4e8a-9c3b-5f6a7d8e9f01"},
                 "body": {"comment": "%s", "author": "stepwise", "visibility": "internal",
                          "labels": ["automated", "triage", "priority-high"]},
                 "timeout": "30s", "successCodes": [200, 201, 202]}
                """.formatted("x".repeat(600)));
        DataConverter plain = DefaultDataConverter.newDefaultInstance();
        DataConverter encrypted = EncryptionCodec.dataConverter(Keyring.parse(Keyring.newKeyLine("bench"), "bench"));
        System.out.printf("payload: %d bytes of JSON; %d round trips per measurement, %d rounds%n",
                plain.toPayloads(with).orElseThrow().getPayloads(0).getData().size(), n, rounds);
        roundTrips(plain, with, n);
        roundTrips(encrypted, with, n); // warm-up
        for (int r = 1; r <= rounds; r++) {
            double base = roundTrips(plain, with, n);
            double codec = roundTrips(encrypted, with, n);
            System.out.printf("round %d: default converter %.2f us, with the codec %.2f us, +%.2f us per round trip,"
                    + " ratio %.2f%n", r, base, codec, codec - base, codec / base);
        }
    }

    /** Microseconds per to-payloads-and-back. */
    private static double roundTrips(DataConverter converter, JsonNode value, int n) {
        long start = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < n; i++) {
            Optional<Payloads> p = converter.toPayloads(value);
            JsonNode back = converter.fromPayloads(0, p, JsonNode.class, JsonNode.class);
            sink += back.size();
        }
        long took = System.nanoTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return took / 1000.0 / n;
    }
}
