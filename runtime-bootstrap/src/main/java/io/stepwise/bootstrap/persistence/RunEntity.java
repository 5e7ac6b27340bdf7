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
import java.util.UUID;

/** A run: the API writes it at launch, the worker's projection moves its status. */
@Entity
@Table(name = "runs")
public class RunEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "definition_id")
    public UUID definitionId;
    @Column(name = "version_id")
    public UUID versionId;
    @Column(name = "workflow_ref")
    public String workflowRef;
    public String status;
    public int attempt;
    @Column(name = "execution_key")
    public String executionKey;
    /** The inputs with [REDACTED] for each secret one: for replay and resume, never shown. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode inputs;
    /** The secret inputs' raw values, sealed with the keyring (docs/security.md); null without any. */
    @Column(name = "secret_inputs")
    public String secretInputs;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "inputs_redacted")
    public JsonNode inputsRedacted;
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode output;
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode error;
    @Column(name = "replay_of")
    public UUID replayOf;
    @Column(name = "started_in_temporal")
    public boolean startedInTemporal;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "started_at")
    public OffsetDateTime startedAt;
    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
