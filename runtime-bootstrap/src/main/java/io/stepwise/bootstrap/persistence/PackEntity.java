package io.stepwise.bootstrap.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;

/** A pack folder's pack.yaml as the last resync read it; a pack without the file has no row. */
@Entity
@Table(name = "packs")
public class PackEntity extends PanacheEntityBase {
    @Id
    public String name;
    @Column(name = "file_path")
    public String filePath;
    public String description;
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode tags;
    @Column(name = "load_error")
    public String loadError;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "load_errors")
    public JsonNode loadErrors;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
