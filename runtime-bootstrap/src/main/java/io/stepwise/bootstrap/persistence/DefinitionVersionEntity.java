package io.stepwise.bootstrap.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** One immutable version of a definition: canonical JSON, YAML source, content hash and seq. */
@Entity
@Table(name = "definition_versions")
public class DefinitionVersionEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "definition_id")
    public UUID definitionId;
    public int seq;
    @Column(name = "content_hash")
    public String contentHash;
    /** Canonical JSON, stored as jsonb and kept as text here: it is written once and served as is. */
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String definition;
    @Column(name = "yaml_source")
    public String yamlSource;
    public String label;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    public static List<DefinitionVersionEntity> ofDefinition(UUID definitionId) {
        return list("definitionId = ?1 order by seq", definitionId);
    }
}
