/**
 * What the gateway needs from durable storage, as an interface so the socket layer can be
 * tested with a fake. The production implementation is backed by @roomcast/db.
 */
import type { Channel, EventEnvelope, PublishOk } from "@roomcast/protocol";

export interface CatchUp {
  /** Committed events after the requested position, in offset order. */
  events: EventEnvelope[];
  /** The position the subscriber stands at once `events` are delivered. */
  position: number;
  /** False when the requested position is past retention (or ahead of the stream). */
  recovered: boolean;
}

export interface NewEvent {
  tenant: string;
  channel: Channel;
  topic?: string | undefined;
  type: string;
  data: unknown;
  priority: number;
  source: string;
  /** Idempotency key: a repeat of (tenant, source, key) answers the first commit's result. */
  key?: string | undefined;
}

export interface StreamStore {
  /**
   * Events a subscriber that joined the stream's room must be sent so it misses nothing:
   * every committed event after `since`, or, without `since`, every committed event the
   * relay may not have emitted yet.
   */
  catchUp(stream: string, since: number | undefined): Promise<CatchUp>;
  /** Commits the events in one transaction and resolves once committed. */
  publish(events: readonly NewEvent[]): Promise<PublishOk[]>;
  /** Resolves when the database answers (for /readyz). */
  ping(): Promise<void>;
  /** Whether a `changes` topic names a watched table (@roomcast/db watchTable); rejects when the database cannot say. */
  isWatched(table: string): Promise<boolean>;
}

/** The store refused an event (for example a NUL character PostgreSQL cannot store, or data over the event limit). */
export class EventRejectedError extends Error {
  override name = "EventRejectedError";
  constructor(
    message: string,
    readonly code: "invalid" | "payload_too_large" = "invalid",
  ) {
    super(message);
  }
}

/** An idempotency key was reused for a different event (another payload or stream); nothing was written. */
export class KeyConflictError extends Error {
  override name = "KeyConflictError";
}
