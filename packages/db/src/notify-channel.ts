/**
 * The NOTIFY channel a publish signals on commit; the relay LISTENs on it. The payload is
 * the stream name (PostgreSQL drops duplicate payloads within one transaction). A lost
 * notification only delays an event until the relay's next poll.
 */
export const OUTBOX_CHANNEL = "roomcast_outbox";
