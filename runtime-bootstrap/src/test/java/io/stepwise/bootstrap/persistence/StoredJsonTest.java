package io.stepwise.bootstrap.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.bootstrap.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class StoredJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nulAndTheEscapeCharacterRoundTripThroughJsonb() throws Exception {
        JsonNode original = JSON.readTree("{\"body\": \"a\\u0000b\", \"k\\u0000ey\": [\"\\ue000\", \"\\ue0000\", 1, null],"
                + " \"plain\": \"text\"}");
        JsonNode stored = StoredJson.encode(original);
        assertThat(stored.toString()).doesNotContain("\\u0000");
        try (TestPostgres db = TestPostgres.start(); Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v jsonb)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?::jsonb)")) {
                insert.setString(1, JSON.writeValueAsString(stored));
                insert.executeUpdate();
            }
            try (ResultSet r = s.executeQuery("SELECT v::text FROM t")) {
                r.next();
                assertThat(StoredJson.decode(JSON.readTree(r.getString(1)))).isEqualTo(original);
            }
        }
    }

    @Test
    void valuesWithoutNulAreLeftAsTheyAre() throws Exception {
        JsonNode plain = JSON.readTree("{\"a\": [\"x\", {\"b\": \"y\"}]}");
        assertThat(StoredJson.encode(plain)).isSameAs(plain);
        assertThat(StoredJson.decode(plain)).isSameAs(plain);
    }
}
