-- WattBit.Cluster: grain state table and queries of the Orleans ADO.NET grain storage provider (PostgreSQL).
-- Optimistic concurrency: Version is the ETag; a write names the version it read and fails (returns the old version)
-- when another activation wrote first, which Orleans raises as InconsistentStateException. Orleans 10 binds the
-- serialized state as @PayloadBinary only (the JSON and XML columns stay for older rows). Idempotent.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    PayloadXml             xml          NULL,
    PayloadJson            text         NULL,
    ModifiedOn             timestamp    NOT NULL,
    Version                integer      NULL
);
CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);
-- One row per grain: a second activation that never read the state cannot insert a second copy.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain
    ON OrleansStorage (ServiceId, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeString, COALESCE(GrainIdExtensionString, ''));

-- Writes a grain's state: inserts it when p_version is null (never stored), else updates the row at p_version.
-- Returns the new version, or p_version unchanged when another writer got there first.
CREATE OR REPLACE FUNCTION wattbit_storage_write(
    p_id_hash integer, p_n0 bigint, p_n1 bigint, p_type_hash integer, p_type varchar, p_ext varchar, p_service varchar,
    p_version integer, p_binary bytea, p_json text, p_xml xml)
RETURNS TABLE(NewGrainStateVersion integer) LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
                                    ServiceId, PayloadBinary, PayloadJson, PayloadXml, ModifiedOn, Version)
        VALUES (p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_ext, p_service, p_binary, p_json, p_xml, now() AT TIME ZONE 'utc', 1)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN n > 0 THEN 1 ELSE NULL::integer END;
        RETURN;
    END IF;
    UPDATE OrleansStorage SET PayloadBinary = p_binary, PayloadJson = p_json, PayloadXml = p_xml,
                              ModifiedOn = now() AT TIME ZONE 'utc', Version = Version + 1
    WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1
      AND GrainTypeString = p_type AND GrainIdExtensionString IS NOT DISTINCT FROM p_ext AND ServiceId = p_service
      AND Version = p_version;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT CASE WHEN n > 0 THEN p_version + 1 ELSE p_version END;
END $$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
SELECT * FROM wattbit_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
    @ServiceId, @GrainStateVersion, @PayloadBinary, NULL, NULL);'),
('ReadFromStorageKey', '
SELECT PayloadBinary, PayloadXml, PayloadJson, (now() AT TIME ZONE ''utc''), Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND ServiceId = @ServiceId;'),
('ClearStorageKey', '
UPDATE OrleansStorage SET PayloadBinary = NULL, PayloadJson = NULL, PayloadXml = NULL, Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND ServiceId = @ServiceId AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
