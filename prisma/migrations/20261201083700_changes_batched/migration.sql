-- Table changes published per statement (issue 12): roomcast_publish_changes() takes every
-- change of one statement and publishes them with one stream upsert per tenant, as
-- publishMany() does per stream. A row trigger's upsert per row (roomcast_publish_change)
-- left one version of the streams row per changed row, which the next upsert in the same
-- transaction walked past: a 20,000-row statement took 5.9 s. The watch triggers
-- (packages/db watchTable) are statement triggers over transition tables now.

-- p_changes: a jsonb array of {tenant, type, data}, in the order they are published. One
-- upsert per tenant's stream, in stream-name order (two statements of one table never lock
-- two streams in opposite orders), takes the stream row's lock until commit and reserves
-- the tenant's offsets: gapless, in commit order; a rollback never advanced them.
CREATE FUNCTION "roomcast_publish_changes"(p_table text, p_changes jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_bad text;
  v_group record;
  v_stream text;
  v_key integer;
  v_last bigint;
BEGIN
  IF p_changes IS NULL OR jsonb_array_length(p_changes) = 0 THEN
    RETURN;
  END IF;
  SELECT coalesce(e->>'tenant', 'null') INTO v_bad FROM jsonb_array_elements(p_changes) AS t(e)
  WHERE e->>'tenant' IS NULL OR e->>'tenant' !~ '^[A-Za-z0-9_-]{1,64}$' LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'roomcast: a row of "%" has no valid tenant id (%), so its change cannot be published', p_table, v_bad
      USING ERRCODE = 'check_violation';
  END IF;
  FOR v_group IN
    SELECT e->>'tenant' AS tenant, count(*)::int AS n FROM jsonb_array_elements(p_changes) AS t(e)
    GROUP BY 1 ORDER BY ((e->>'tenant') || ':changes:' || p_table) COLLATE "C"
  LOOP
    v_stream := v_group.tenant || ':changes:' || p_table;
    v_key := roomcast_partition_key(v_stream);
    INSERT INTO streams (id, tenant_id, partition_key, last_offset)
    VALUES (v_stream, v_group.tenant, v_key, v_group.n)
    ON CONFLICT (id) DO UPDATE SET last_offset = streams.last_offset + v_group.n
    RETURNING last_offset INTO v_last;
    INSERT INTO outbox_events (id, tenant_id, stream, partition_key, channel, topic, type, data, priority, source, stream_offset)
    SELECT gen_random_uuid(), v_group.tenant, v_stream, v_key, 'changes', p_table, c.e->>'type', c.e->'data', 5, 'db:' || p_table,
           v_last - v_group.n + row_number() OVER (ORDER BY c.ord)
    FROM jsonb_array_elements(p_changes) WITH ORDINALITY AS c(e, ord)
    WHERE c.e->>'tenant' = v_group.tenant
    ORDER BY c.ord;
  END LOOP;
END
$$;
