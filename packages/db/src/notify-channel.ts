/**
 * The NOTIFY channel the outbox's enqueue trigger signals on commit; the relay LISTENs on
 * it. The payload is a stream name of the inserting statement (PostgreSQL drops duplicate
 * payloads within one transaction). A lost notification only delays an event until the
 * relay's next poll. The trigger (migration 20261201071427_relay_scale_out) spells the
 * channel name out, so it must stay in step with this constant.
 */
export const OUTBOX_CHANNEL = "roomcast_outbox";
