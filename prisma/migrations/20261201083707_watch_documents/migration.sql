-- Row changes of "documents" → the changes channel (packages/db watchTable; tenant column
-- "tenant_id", key "id"; columns id, name, status, progress). One call per statement.
CREATE OR REPLACE FUNCTION "roomcast_changes_documents"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM roomcast_publish_changes('documents', (SELECT jsonb_agg(c) FROM (SELECT n."tenant_id" AS tenant, 'insert' AS type, jsonb_build_object('new', jsonb_build_object('id', n."id", 'name', n."name", 'status', n."status", 'progress', n."progress"), 'old', NULL) AS data FROM new_rows n) c));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM roomcast_publish_changes('documents', (SELECT jsonb_agg(c) FROM (SELECT o."tenant_id" AS tenant, 'delete' AS type, jsonb_build_object('new', NULL, 'old', jsonb_build_object('id', o."id", 'name', o."name", 'status', o."status", 'progress', o."progress")) AS data FROM old_rows o) c));
  ELSE
    PERFORM roomcast_publish_changes('documents', (SELECT jsonb_agg(c) FROM (
      WITH p AS (
        SELECT o."id" IS NOT NULL AS had, n."id" IS NOT NULL AS has, o."tenant_id" AS old_tenant, n."tenant_id" AS new_tenant,
               CASE WHEN o."id" IS NOT NULL THEN jsonb_build_object('id', o."id", 'name', o."name", 'status', o."status", 'progress', o."progress") END AS old_row,
               CASE WHEN n."id" IS NOT NULL THEN jsonb_build_object('id', n."id", 'name', n."name", 'status', n."status", 'progress', n."progress") END AS new_row
        FROM old_rows o FULL JOIN new_rows n ON n."id" = o."id"
      )
      SELECT new_tenant AS tenant, 'update' AS type, jsonb_build_object('new', new_row, 'old', old_row) AS data FROM p
      WHERE had AND has AND old_tenant IS NOT DISTINCT FROM new_tenant AND new_row <> old_row
      UNION ALL
      SELECT old_tenant, 'delete', jsonb_build_object('new', NULL, 'old', old_row) FROM p
      WHERE had AND (NOT has OR old_tenant IS DISTINCT FROM new_tenant)
      UNION ALL
      SELECT new_tenant, 'insert', jsonb_build_object('new', new_row, 'old', NULL) FROM p
      WHERE has AND (NOT had OR old_tenant IS DISTINCT FROM new_tenant)
    ) c));
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "roomcast_changes" ON "documents";
DROP TRIGGER IF EXISTS "roomcast_changes_insert" ON "documents";
CREATE TRIGGER "roomcast_changes_insert" AFTER INSERT ON "documents"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_documents"();
DROP TRIGGER IF EXISTS "roomcast_changes_update" ON "documents";
CREATE TRIGGER "roomcast_changes_update" AFTER UPDATE ON "documents"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_documents"();
DROP TRIGGER IF EXISTS "roomcast_changes_delete" ON "documents";
CREATE TRIGGER "roomcast_changes_delete" AFTER DELETE ON "documents"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_documents"();
