package io.stepwise.api.definitions;

import io.stepwise.core.packs.PackScanner;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.bootstrap.persistence.DefinitionEntity;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.bootstrap.persistence.PackEntity;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads and writes definitions and versions. Callers hold the transaction. */
@ApplicationScoped
public class DefinitionStore {
    private final EntityManager em;
    private final ObjectMapper json;

    public DefinitionStore(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /** Every stored definition as a resync sees it, in one query. */
    public Map<String, StoredDefinition> snapshot() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT d.ref, d.source, d.status, d.file_exists, v.seq, v.content_hash, d.load_error, d.file_hash
                FROM definitions d LEFT JOIN definition_versions v ON v.id = d.current_version_id""").getResultList();
        Map<String, StoredDefinition> stored = new HashMap<>(rows.size() * 2);
        for (Object[] r : rows) {
            stored.put((String) r[0], new StoredDefinition((String) r[0], StoredDefinition.Source.valueOf((String) r[1]),
                    DefinitionEntity.ARCHIVED.equals(r[2]), (Boolean) r[3], r[4] == null ? null : ((Number) r[4]).intValue(),
                    (String) r[5], (String) r[6], (String) r[7]));
        }
        return stored;
    }

    /** Applies a resync plan; unchanged refs are not touched. */
    public void apply(ResyncPlan plan) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        insertNew(plan.changes().stream().filter(ResyncPlan.Create.class::isInstance).map(ResyncPlan.Create.class::cast)
                .toList(), now);
        for (ResyncPlan.Change change : plan.changes()) {
            if (change instanceof ResyncPlan.Create) {
                continue; // written above
            } else if (change instanceof ResyncPlan.NewVersion v) {
                DefinitionEntity d = existing(v.ref());
                markPresent(d, v.file(), now);
                addVersion(d, v.loaded(), new String(v.file().content(), StandardCharsets.UTF_8), v.toSeq(), now);
            } else if (change instanceof ResyncPlan.Restore r) {
                markPresent(existing(r.ref()), r.file(), now);
            } else if (change instanceof ResyncPlan.Touch t) {
                existing(t.ref()).fileHash = t.file().hash();
            } else if (change instanceof ResyncPlan.Archive a) {
                DefinitionEntity d = existing(a.ref());
                d.status = DefinitionEntity.ARCHIVED;
                d.fileExists = false;
                d.updatedAt = now;
            } else if (change instanceof ResyncPlan.LoadFailed f && f.write()) {
                DefinitionEntity d = f.known() ? existing(f.ref())
                        : newDefinition(f.file().pack(), f.file().name(), DefinitionEntity.FILE, now);
                d.filePath = f.file().relativePath();
                d.fileExists = true;
                d.fileHash = f.file().hash();
                d.status = DefinitionEntity.ACTIVE;
                d.loadError = f.loaded().summary();
                d.loadErrors = json.valueToTree(f.loaded().violations());
                d.updatedAt = now;
                if (!f.known()) {
                    d.persist();
                }
            }
        }
    }

    /**
     * Brings the packs table in line with the pack folders a resync read: a valid pack.yaml is
     * stored, a failing one keeps its last good description and tags with the errors, and a pack
     * whose folder or pack.yaml is gone loses its row. Rows that already say the same are not written.
     */
    public void applyPacks(List<ResyncPlan.PackRead> packs) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Map<String, PackEntity> stored = new HashMap<>();
        PackEntity.<PackEntity>listAll().forEach(p -> stored.put(p.name, p));
        for (ResyncPlan.PackRead read : packs) {
            PackEntity row = stored.remove(read.name());
            if (read.load() == null) {
                if (row != null) {
                    row.delete();
                }
                continue;
            }
            String description = row == null ? null : row.description;
            com.fasterxml.jackson.databind.JsonNode tags = row == null ? json.createArrayNode() : row.tags;
            String loadError = read.load().summary();
            com.fasterxml.jackson.databind.JsonNode loadErrors = read.failed() ? json.valueToTree(read.load().violations()) : null;
            if (!read.failed()) {
                description = read.load().manifest().description();
                tags = json.valueToTree(read.load().manifest().tags());
            }
            boolean created = row == null;
            if (created) {
                row = new PackEntity();
                row.name = read.name();
            } else if (java.util.Objects.equals(row.filePath, read.file()) && java.util.Objects.equals(row.description, description)
                    && java.util.Objects.equals(row.tags, tags) && java.util.Objects.equals(row.loadError, loadError)) {
                continue;
            }
            row.filePath = read.file();
            row.description = description;
            row.tags = tags;
            row.loadError = loadError;
            row.loadErrors = loadErrors;
            row.updatedAt = now;
            if (created) {
                row.persist();
            }
        }
        stored.values().forEach(PackEntity::delete);
    }

    /**
     * New pack files, each a definition and its first version, in two JDBC batches (the driver
     * makes them multi-row inserts): a cold resync of a whole pack root is this. The ORM's insert,
     * then update of each definition (its current version) cost more than the rows themselves. The
     * definition names its version before the version exists: that foreign key is checked at commit.
     */
    private void insertNew(List<ResyncPlan.Create> creates, OffsetDateTime now) {
        if (creates.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement definitions = connection.prepareStatement("""
                    INSERT INTO definitions (id, ref, pack, name, source, status, file_path, file_exists, file_hash,
                        current_version_id, version_label, description, tags, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'FILE', 'ACTIVE', ?, true, ?, ?, ?, ?, ?::jsonb, ?, ?)""");
                 PreparedStatement firstVersions = connection.prepareStatement("""
                    INSERT INTO definition_versions (id, definition_id, seq, content_hash, definition, yaml_source,
                        label, created_at)
                    VALUES (?, ?, 1, ?, ?::jsonb, ?, ?, ?)""")) {
                for (ResyncPlan.Create c : creates) {
                    WorkflowDefinition def = c.loaded().definition();
                    UUID id = UUID.randomUUID();
                    UUID version = UUID.randomUUID();
                    definitions.setObject(1, id);
                    definitions.setString(2, c.file().pack() + "." + c.file().name());
                    definitions.setString(3, c.file().pack());
                    definitions.setString(4, c.file().name());
                    definitions.setString(5, c.file().relativePath());
                    definitions.setString(6, c.file().hash());
                    definitions.setObject(7, version);
                    definitions.setString(8, def.version());
                    definitions.setString(9, def.description());
                    definitions.setString(10, tagsJson(def));
                    definitions.setObject(11, now);
                    definitions.setObject(12, now);
                    definitions.addBatch();
                    firstVersions.setObject(1, version);
                    firstVersions.setObject(2, id);
                    firstVersions.setString(3, c.loaded().contentHash());
                    firstVersions.setString(4, c.loaded().canonicalJson());
                    firstVersions.setString(5, new String(c.file().content(), StandardCharsets.UTF_8));
                    firstVersions.setString(6, def.version());
                    firstVersions.setObject(7, now);
                    firstVersions.addBatch();
                }
                definitions.executeBatch();
                firstVersions.executeBatch();
            }
        });
    }

    private String tagsJson(WorkflowDefinition def) {
        try {
            return json.writeValueAsString(def.tags());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tags of " + def.name() + ": " + e.getMessage(), e);
        }
    }

    /** A definition created through the API with its first version. */
    public DefinitionEntity createFromApi(String pack, LoadResult loaded, String yaml) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        DefinitionEntity d = newDefinition(pack, loaded.definition().name(), DefinitionEntity.API, now);
        d.persist();
        addVersion(d, loaded, yaml, 1, now);
        return d;
    }

    /** A new current version, unless the content hash is the current one's. */
    public DefinitionVersionEntity newVersionFromApi(DefinitionEntity d, LoadResult loaded, String yaml) {
        DefinitionVersionEntity current = d.currentVersionId == null ? null : DefinitionVersionEntity.findById(d.currentVersionId);
        if (current != null && current.contentHash.equals(loaded.contentHash())) {
            return current;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        d.status = DefinitionEntity.ACTIVE;
        return addVersion(d, loaded, yaml, current == null ? 1 : current.seq + 1, now);
    }

    private DefinitionEntity existing(String ref) {
        return DefinitionEntity.findByRef(ref).orElseThrow(() -> new IllegalStateException("no definition " + ref));
    }

    private DefinitionEntity newDefinition(String pack, String name, String source, OffsetDateTime now) {
        DefinitionEntity d = new DefinitionEntity();
        d.tags = json.createArrayNode();
        d.id = UUID.randomUUID();
        d.ref = pack + "." + name;
        d.pack = pack;
        d.name = name;
        d.source = source;
        d.status = DefinitionEntity.ACTIVE;
        d.createdAt = now;
        d.updatedAt = now;
        return d;
    }

    private static void markPresent(DefinitionEntity d, PackScanner.PackFile file, OffsetDateTime now) {
        d.status = DefinitionEntity.ACTIVE;
        d.fileExists = true;
        d.filePath = file.relativePath();
        d.fileHash = file.hash();
        d.loadError = null;
        d.loadErrors = null;
        d.updatedAt = now;
    }

    private DefinitionVersionEntity addVersion(DefinitionEntity d, LoadResult loaded, String yaml, int seq,
                                               OffsetDateTime now) {
        WorkflowDefinition def = loaded.definition();
        DefinitionVersionEntity v = new DefinitionVersionEntity();
        v.id = UUID.randomUUID();
        v.definitionId = d.id;
        v.seq = seq;
        v.contentHash = loaded.contentHash();
        v.definition = loaded.canonicalJson();
        v.yamlSource = yaml;
        v.label = def.version();
        v.createdAt = now;
        v.persist();
        d.currentVersionId = v.id;
        d.versionLabel = def.version();
        d.description = def.description();
        d.tags = json.valueToTree(def.tags());
        d.loadError = null;
        d.loadErrors = null;
        d.updatedAt = now;
        return v;
    }
}
