package io.stepwise.api.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.api.config.PacksConfig;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;
import io.stepwise.bootstrap.persistence.DefinitionEntity;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.bootstrap.persistence.PackEntity;
import io.stepwise.core.dsl.PackManifest;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The definition use cases: list, read, and the API-managed create, update and archive. */
@ApplicationScoped
public class DefinitionService {
    private final WorkflowParser parser;
    private final DefinitionStore store;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final Path packsRoot;

    public DefinitionService(WorkflowParser parser, DefinitionStore store, com.fasterxml.jackson.databind.ObjectMapper json,
                             PacksConfig packs) {
        this.parser = parser;
        this.store = store;
        this.json = json;
        this.packsRoot = Path.of(packs.dir()).toAbsolutePath().normalize();
    }

    /** Filters are optional; {@code q} matches ref, name or description, case-insensitively. */
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    /** Every definition that matches, in ref order (a pack's workflows). */
    public List<DefinitionViews.Summary> list(String pack, String tag, String status, String q) {
        return query(pack, tag, status, q, null, Integer.MAX_VALUE);
    }

    /**
     * One page in ref order: up to {@code limit} definitions after the cursor, and the cursor of the
     * next page (the last ref, opaque to callers), null on the last page.
     */
    public DefinitionViews.Page<DefinitionViews.Summary> page(String pack, String tag, String status, String q,
                                                              Integer limit, String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw new ApiException.BadRequest("limit must be from 1 to " + MAX_LIMIT);
        }
        String after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ApiException.BadRequest("cursor is not one this server gave out");
            }
        }
        List<DefinitionViews.Summary> found = query(pack, tag, status, q, after, size + 1);
        if (found.size() <= size) {
            return new DefinitionViews.Page<>(found, null);
        }
        List<DefinitionViews.Summary> items = found.subList(0, size);
        String last = items.get(size - 1).ref();
        return new DefinitionViews.Page<>(items, java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(last.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private List<DefinitionViews.Summary> query(String pack, String tag, String status, String q, String afterRef,
                                                int limit) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (afterRef != null) {
            where.append(" and ref > :after");
            params.put("after", afterRef);
        }
        if (tag != null && !tag.isBlank()) {
            // its own tags, or its pack's (pack.yaml)
            where.append(" and (function('jsonb_exists', tags, :tag) = true or pack in (select p.name from PackEntity p"
                    + " where function('jsonb_exists', p.tags, :tag) = true))");
            params.put("tag", tag);
        }
        if (pack != null && !pack.isBlank()) {
            where.append(" and pack = :pack");
            params.put("pack", pack);
        }
        if (status != null && !status.isBlank()) {
            where.append(" and status = :status");
            params.put("status", status.toUpperCase());
        }
        if (q != null && !q.isBlank()) {
            where.append(" and (lower(ref) like :q escape '\\' or lower(coalesce(description, '')) like :q escape '\\')");
            params.put("q", "%" + likeLiteral(q.toLowerCase()) + "%");
        }
        List<DefinitionEntity> found = DefinitionEntity.<DefinitionEntity>find(where + " order by ref", params)
                .range(0, limit == Integer.MAX_VALUE ? Integer.MAX_VALUE - 1 : limit - 1).list();
        Map<UUID, DefinitionVersionEntity> versions = currentVersions(found);
        Map<String, PackEntity> packs = found.isEmpty() ? Map.of() : packRows();
        return found.stream().map(d -> summary(d, versions.get(d.currentVersionId), packs.get(d.pack))).toList();
    }

    public Optional<DefinitionViews.Detail> get(String ref) {
        return DefinitionEntity.findByRef(ref).map(d -> {
            DefinitionVersionEntity v = d.currentVersionId == null ? null : DefinitionVersionEntity.findById(d.currentVersionId);
            JsonNode def = v == null ? null : readJson(v.definition);
            PackEntity pack = PackEntity.findById(d.pack);
            return new DefinitionViews.Detail(d.ref, d.pack, d.name, d.versionLabel, d.description, tags(d, pack), d.status,
                    d.source, d.fileExists, versionRef(v), d.loadError, d.updatedAt.toInstant(), d.loadErrors,
                    def == null ? null : def.get("inputs"), def == null ? null : def.get("triggers"), def,
                    v == null ? null : v.yamlSource, failedSource(d));
        });
    }

    /** The text of a pack file that fails to load, so a reader sees the lines its errors point at. */
    private String failedSource(DefinitionEntity d) {
        if (d.loadError == null || !DefinitionEntity.FILE.equals(d.source) || !d.fileExists || d.filePath == null) {
            return null;
        }
        Path file = packsRoot.resolve(d.filePath).normalize();
        try {
            if (!file.startsWith(packsRoot) || !Files.isRegularFile(file) || Files.size(file) > MAX_SOURCE_BYTES) {
                return null;
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return null; // changed or gone since the last resync: the errors still say where
        }
    }

    private static final long MAX_SOURCE_BYTES = 1024 * 1024;

    public Optional<List<DefinitionViews.Version>> versions(String ref) {
        return DefinitionEntity.findByRef(ref).map(d -> DefinitionVersionEntity.ofDefinition(d.id).stream()
                .map(v -> new DefinitionViews.Version(v.id.toString(), v.seq, v.contentHash, v.label, v.createdAt.toInstant()))
                .toList());
    }

    public List<DefinitionViews.Pack> packs() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = DefinitionEntity.getEntityManager()
                .createQuery("select d.pack, count(d) from DefinitionEntity d group by d.pack").getResultList();
        Map<String, Long> counts = new java.util.TreeMap<>();
        rows.forEach(r -> counts.put((String) r[0], (Long) r[1]));
        Map<String, PackEntity> manifests = packRows();
        manifests.keySet().forEach(name -> counts.putIfAbsent(name, 0L));
        return counts.entrySet().stream().map(e -> {
            PackEntity p = manifests.get(e.getKey());
            return p == null ? new DefinitionViews.Pack(e.getKey(), e.getValue(), null, List.of(), null, null, null)
                    : new DefinitionViews.Pack(p.name, e.getValue(), p.description, strings(p.tags), p.filePath,
                    p.loadError, p.loadErrors);
        }).toList();
    }

    private static Map<String, PackEntity> packRows() {
        Map<String, PackEntity> rows = new HashMap<>();
        PackEntity.<PackEntity>listAll().forEach(p -> rows.put(p.name, p));
        return rows;
    }

    public DefinitionViews.ValidationResult validate(byte[] yaml) {
        LoadResult result = parser.parse(yaml, null);
        return new DefinitionViews.ValidationResult(result.valid(), Problem.Error.ofViolations(result.violations()));
    }

    @Transactional
    public DefinitionViews.Detail create(String pack, byte[] yaml) {
        LoadResult loaded = load(yaml);
        String ref = pack + "." + loaded.definition().name();
        if (DefinitionEntity.findByRef(ref).isPresent()) {
            throw new ApiException.Conflict("workflow " + ref + " exists already; update it with PUT");
        }
        store.createFromApi(pack, loaded, new String(yaml, StandardCharsets.UTF_8));
        DefinitionEntity.flush();
        return get(ref).orElseThrow();
    }

    /** A new version from YAML; the same content keeps the current version. */
    @Transactional
    public DefinitionViews.Detail update(String ref, byte[] yaml) {
        DefinitionEntity d = DefinitionEntity.findByRef(ref).orElseThrow(() -> new ApiException.NotFound("no workflow " + ref));
        if (DefinitionEntity.FILE.equals(d.source)) {
            throw new ApiException.Conflict(ref + " is managed by the pack file " + d.filePath
                    + "; change the file and resync");
        }
        LoadResult loaded = load(yaml);
        if (!loaded.definition().name().equals(d.name)) {
            throw new ApiException.BadRequest("the workflow's name is '" + loaded.definition().name()
                    + "' but the ref " + ref + " names '" + d.name + "'",
                    List.of(new Problem.Error(null, "name", null, null, "must be '" + d.name + "'")));
        }
        store.newVersionFromApi(d, loaded, new String(yaml, StandardCharsets.UTF_8));
        DefinitionEntity.flush();
        return get(ref).orElseThrow();
    }

    /** Archives an API-managed definition: runs in flight finish, new launches are refused. */
    @Transactional
    public void archive(String ref) {
        DefinitionEntity d = DefinitionEntity.findByRef(ref).orElseThrow(() -> new ApiException.NotFound("no workflow " + ref));
        if (DefinitionEntity.FILE.equals(d.source)) {
            throw new ApiException.Conflict(ref + " is managed by the pack file " + d.filePath
                    + "; delete the file and resync");
        }
        d.status = DefinitionEntity.ARCHIVED;
        d.updatedAt = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
    }

    private LoadResult load(byte[] yaml) {
        LoadResult loaded = parser.parse(yaml, null);
        if (!loaded.valid()) {
            throw new ApiException.BadRequest("the workflow is not valid: " + loaded.summary(),
                    Problem.Error.ofViolations(loaded.violations()));
        }
        return loaded;
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored definition is not JSON", e);
        }
    }

    /** {@code q} is text, not a pattern: LIKE's wildcards and its escape character match themselves. */
    static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Map<UUID, DefinitionVersionEntity> currentVersions(List<DefinitionEntity> found) {
        List<UUID> ids = new ArrayList<>();
        found.forEach(d -> {
            if (d.currentVersionId != null) {
                ids.add(d.currentVersionId);
            }
        });
        Map<UUID, DefinitionVersionEntity> byId = new HashMap<>();
        if (!ids.isEmpty()) {
            DefinitionVersionEntity.<DefinitionVersionEntity>list("id in ?1", ids).forEach(v -> byId.put(v.id, v));
        }
        return byId;
    }

    private static DefinitionViews.Summary summary(DefinitionEntity d, DefinitionVersionEntity v, PackEntity pack) {
        return new DefinitionViews.Summary(d.ref, d.pack, d.name, d.versionLabel, d.description, tags(d, pack), d.status,
                d.source, d.fileExists, versionRef(v), d.loadError, d.updatedAt.toInstant());
    }

    private static DefinitionViews.VersionRef versionRef(DefinitionVersionEntity v) {
        return v == null ? null : new DefinitionViews.VersionRef(v.id.toString(), v.seq, v.contentHash);
    }

    /** The workflow's tags as lists show them: its pack's (pack.yaml) first, then its own, each once. */
    private static List<String> tags(DefinitionEntity d, PackEntity pack) {
        PackManifest manifest = new PackManifest(null, pack == null ? List.of() : strings(pack.tags));
        return manifest.tagsWith(strings(d.tags));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(t -> out.add(t.asText()));
        }
        return out;
    }
}
