-- Subscriptions to table changes (issue 12): the `changes` channel joins the outbox's
-- channel CHECK, and roomcast_publish_change() publishes one event the way publish()
-- does, for the row triggers that packages/db `watchTable` generates (later migrations).
-- Hand-written: Prisma's schema cannot express functions or CHECK constraints.

ALTER TABLE "outbox_events" DROP CONSTRAINT "outbox_events_channel_check";
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_channel_check"
  CHECK ("quarantined_at" IS NOT NULL OR "channel" IN ('chat', 'notifications', 'analytics', 'documents', 'system', 'changes')) NOT VALID;

-- The stream's partition key, computed as @roomcast/db partitionKey() does: FNV-1a (32 bit)
-- over the name's UTF-8 bytes, top bit dropped. A test holds the two equal.
CREATE FUNCTION "roomcast_partition_key"(p_name text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  bytes bytea := convert_to(p_name, 'UTF8');
  hash bigint := 2166136261;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    hash := ((hash # get_byte(bytes, i)) * 16777619) % 4294967296;
  END LOOP;
  RETURN (hash & 2147483647)::integer;
END
$$;

-- One change event on `<tenant>:changes:<table>`, in the caller's transaction. The offset
-- comes from the same upsert as publish()'s: it takes the stream row's lock, held until the
-- writer commits, so offsets are gapless and in commit order, and a rolled-back change
-- never advanced them. The insert fires outbox_events_enqueue (relay queue and NOTIFY).
CREATE FUNCTION "roomcast_publish_change"(p_tenant text, p_table text, p_type text, p_data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_stream text;
  v_key integer;
  v_offset bigint;
BEGIN
  IF p_tenant IS NULL OR p_tenant !~ '^[A-Za-z0-9_-]{1,64}$' THEN
    RAISE EXCEPTION 'roomcast: a row of "%" has no valid tenant id (%), so its change cannot be published', p_table, coalesce(p_tenant, 'null')
      USING ERRCODE = 'check_violation';
  END IF;
  v_stream := p_tenant || ':changes:' || p_table;
  v_key := roomcast_partition_key(v_stream);
  INSERT INTO streams (id, tenant_id, partition_key, last_offset)
  VALUES (v_stream, p_tenant, v_key, 1)
  ON CONFLICT (id) DO UPDATE SET last_offset = streams.last_offset + 1
  RETURNING last_offset INTO v_offset;
  INSERT INTO outbox_events (id, tenant_id, stream, partition_key, channel, topic, type, data, priority, source, stream_offset)
  VALUES (gen_random_uuid(), p_tenant, v_stream, v_key, 'changes', p_table, p_type, p_data, 5, 'db:' || p_table, v_offset);
END
$$;
