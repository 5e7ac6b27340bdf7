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
import java.util.Optional;
import java.util.UUID;

/** A workflow definition: one ref, managed by a pack file or by the API; its versions are immutable. */
@Entity
@Table(name = "definitions")
public class DefinitionEntity extends PanacheEntityBase {
    public static final String FILE = "FILE";
    public static final String API = "API";
    public static final String ACTIVE = "ACTIVE";
    public static final String ARCHIVED = "ARCHIVED";

    @Id
    public UUID id;
    public String ref;
    public String pack;
    public String name;
    public String source;
    public String status;
    @Column(name = "file_path")
    public String filePath;
    @Column(name = "file_exists")
    public boolean fileExists;
    /** SHA-256 of the pack file's bytes when last resynced: the same bytes need no parse. */
    @Column(name = "file_hash")
    public String fileHash;
    @Column(name = "current_version_id")
    public UUID currentVersionId;
    @Column(name = "version_label")
    public String versionLabel;
    public String description;
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode tags;
    @Column(name = "load_error")
    public String loadError;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "load_errors")
    public JsonNode loadErrors;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    public static Optional<DefinitionEntity> findByRef(String ref) {
        return find("ref", ref).firstResultOptional();
    }
}
