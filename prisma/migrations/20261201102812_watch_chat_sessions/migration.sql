-- Row changes of "chat_sessions" → the changes channel (packages/db watchTable; tenant column
-- "tenant_id", key "id"; columns id, visitor_id, visitor_name, agent_id, status, message_count, created_at, updated_at, first_response_at, ended_at). One call per statement.
CREATE OR REPLACE FUNCTION "roomcast_changes_chat_sessions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM roomcast_publish_changes('chat_sessions', (SELECT jsonb_agg(c) FROM (SELECT n."tenant_id" AS tenant, 'insert' AS type, jsonb_build_object('new', jsonb_build_object('id', n."id", 'visitor_id', n."visitor_id", 'visitor_name', n."visitor_name", 'agent_id', n."agent_id", 'status', n."status", 'message_count', n."message_count", 'created_at', n."created_at", 'updated_at', n."updated_at", 'first_response_at', n."first_response_at", 'ended_at', n."ended_at"), 'old', NULL) AS data FROM new_rows n) c));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM roomcast_publish_changes('chat_sessions', (SELECT jsonb_agg(c) FROM (SELECT o."tenant_id" AS tenant, 'delete' AS type, jsonb_build_object('new', NULL, 'old', jsonb_build_object('id', o."id", 'visitor_id', o."visitor_id", 'visitor_name', o."visitor_name", 'agent_id', o."agent_id", 'status', o."status", 'message_count', o."message_count", 'created_at', o."created_at", 'updated_at', o."updated_at", 'first_response_at', o."first_response_at", 'ended_at', o."ended_at")) AS data FROM old_rows o) c));
  ELSE
    PERFORM roomcast_publish_changes('chat_sessions', (SELECT jsonb_agg(c) FROM (
      WITH p AS (
        SELECT o."id" IS NOT NULL AS had, n."id" IS NOT NULL AS has, o."tenant_id" AS old_tenant, n."tenant_id" AS new_tenant,
               CASE WHEN o."id" IS NOT NULL THEN jsonb_build_object('id', o."id", 'visitor_id', o."visitor_id", 'visitor_name', o."visitor_name", 'agent_id', o."agent_id", 'status', o."status", 'message_count', o."message_count", 'created_at', o."created_at", 'updated_at', o."updated_at", 'first_response_at', o."first_response_at", 'ended_at', o."ended_at") END AS old_row,
               CASE WHEN n."id" IS NOT NULL THEN jsonb_build_object('id', n."id", 'visitor_id', n."visitor_id", 'visitor_name', n."visitor_name", 'agent_id', n."agent_id", 'status', n."status", 'message_count', n."message_count", 'created_at', n."created_at", 'updated_at', n."updated_at", 'first_response_at', n."first_response_at", 'ended_at', n."ended_at") END AS new_row
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

DROP TRIGGER IF EXISTS "roomcast_changes" ON "chat_sessions";
DROP TRIGGER IF EXISTS "roomcast_changes_insert" ON "chat_sessions";
CREATE TRIGGER "roomcast_changes_insert" AFTER INSERT ON "chat_sessions"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_chat_sessions"();
DROP TRIGGER IF EXISTS "roomcast_changes_update" ON "chat_sessions";
CREATE TRIGGER "roomcast_changes_update" AFTER UPDATE ON "chat_sessions"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_chat_sessions"();
DROP TRIGGER IF EXISTS "roomcast_changes_delete" ON "chat_sessions";
CREATE TRIGGER "roomcast_changes_delete" AFTER DELETE ON "chat_sessions"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_chat_sessions"();
