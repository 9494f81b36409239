-- Row changes of "documents" → the changes channel (packages/db watchTable; tenant column
-- "tenant_id"; columns id, name, status, progress).
CREATE OR REPLACE FUNCTION "roomcast_changes_documents"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_row jsonb;
  old_row jsonb;
BEGIN
  IF TG_OP <> 'DELETE' THEN
    new_row := jsonb_build_object('id', NEW."id", 'name', NEW."name", 'status', NEW."status", 'progress', NEW."progress");
  END IF;
  IF TG_OP <> 'INSERT' THEN
    old_row := jsonb_build_object('id', OLD."id", 'name', OLD."name", 'status', OLD."status", 'progress', OLD."progress");
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NEW."tenant_id" IS DISTINCT FROM OLD."tenant_id" THEN
      PERFORM roomcast_publish_change(OLD."tenant_id", 'documents', 'delete', jsonb_build_object('new', NULL, 'old', old_row));
      PERFORM roomcast_publish_change(NEW."tenant_id", 'documents', 'insert', jsonb_build_object('new', new_row, 'old', NULL));
      RETURN NULL;
    END IF;
    IF new_row = old_row THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM roomcast_publish_change(CASE WHEN TG_OP = 'DELETE' THEN OLD."tenant_id" ELSE NEW."tenant_id" END, 'documents', lower(TG_OP), jsonb_build_object('new', new_row, 'old', old_row));
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "roomcast_changes" ON "documents";
CREATE TRIGGER "roomcast_changes" AFTER INSERT OR UPDATE OR DELETE ON "documents"
FOR EACH ROW EXECUTE FUNCTION "roomcast_changes_documents"();
