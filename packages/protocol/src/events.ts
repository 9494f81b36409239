/**
 * The typed Socket.IO contract. Both the gateway (`Server<…>`) and the SDK (`Socket<…>`)
 * use these as generics, so an event name or payload shape exists in one place only.
 */
import type { WhereValue } from "./changes";
import type { Channel, Role } from "./channels";
import type { EventEnvelope, SystemNotice } from "./envelope";
import type { PresenceMember, PresenceOk, PublishOk, RefreshOk, SubscribeOk, TypingOk, UnsubscribeOk } from "./acks";
import type { Result } from "./errors";


/**
 * `presence`: a member of `stream` joined (its first socket there, on any node) or left (its
 * last socket, after the grace period, or its node stopped refreshing its entries).
 */
export interface PresenceEvent {
  stream: string;
  type: "join" | "leave";
  member: PresenceMember;
}

/** `typing`: a member of `stream` started or stopped typing; a screen drops it after a few seconds anyway. */
export interface TypingEvent {
  stream: string;
  user: string;
  role: Role;
  name?: string | undefined;
  typing: boolean;
}

export type Ack<T extends object> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  subscribe: (payload: unknown, ack: Ack<SubscribeOk>) => void;
  unsubscribe: (payload: unknown, ack: Ack<UnsubscribeOk>) => void;
  publish: (payload: unknown, ack: Ack<PublishOk>) => void;
  /** A new token for the same tenant, subject, role and session, before the current one expires. */
  "auth:refresh": (payload: unknown, ack: Ack<RefreshOk>) => void;
  /** Who is in a stream now (policy action `presence`). */
  presence: (payload: unknown, ack: Ack<PresenceOk>) => void;
  /** Ephemeral: never written to the outbox; rate-limited; reaches the stream's other subscribers. */
  typing: (payload: unknown, ack: Ack<TypingOk>) => void;
}

export interface ServerToClientEvents {
  event: (envelope: EventEnvelope) => void;
  system: (notice: SystemNotice) => void;
  /** Only to sockets that subscribed with `presence: true`; not through the outbox. */
  presence: (event: PresenceEvent) => void;
  /** To the stream's subscribers; not through the outbox. */
  typing: (event: TypingEvent) => void;
}

/** Requests one node makes of the others through the adapter (`serverSideEmit`). */
export interface NodeStatus {
  nodeId: string;
  uptimeSeconds: number;
  sockets: number;
  tenants: Record<string, number>;
}
/** What a revocation covers: one token (`jti`), every token of a user, or of a chat session. */
export type RevocationTarget =
  | { kind: "token"; tenant: string; jti: string; exp: number }
  | { kind: "user"; tenant: string; sub: string; at: number }
  | { kind: "session"; tenant: string; session: string; at: number };

export interface InterServerEvents {
  "node:status": (reply: (status: NodeStatus) => void) => void;
  /** A revocation made on one node: every node notifies its own matching sockets and disconnects them after `graceMs`. */
  "auth:revoked": (target: RevocationTarget, graceMs: number) => void;
}

/** The identity taken from a verified token, stored on `socket.data`. */
export interface Principal {
  sub: string;
  tenant: string;
  role: Role;
  /** For visitors: the one chat session they may join. */
  session?: string | undefined;
  /** A display name (the token's `name` claim), shown in presence and typing. */
  name?: string | undefined;
}

export interface SubscriptionFilter {
  types?: readonly string[] | undefined;
  /** Only events whose `source` is one of these. */
  sources?: readonly string[] | undefined;
  minPriority?: number | undefined;
  /** `changes` only: events whose new or old row has every one of these column values. */
  where?: Readonly<Record<string, WhereValue>> | undefined;
}

/** When the socket's current token ends and what identifies it (never the token itself). */
export interface TokenGrant {
  /** Seconds since the epoch. */
  exp: number;
  iat?: number | undefined;
  jti?: string | undefined;
}

export interface SocketData {
  principal: Principal;
  /** The current token's grant; replaced by `auth:refresh`. */
  grant: TokenGrant;
  /** Per-stream filters of this socket's subscriptions, keyed by stream name. */
  filters: Record<string, SubscriptionFilter>;
}

export type { Channel };
