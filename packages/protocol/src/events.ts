/**
 * The typed Socket.IO contract. Both the gateway (`Server<…>`) and the SDK (`Socket<…>`)
 * use these as generics, so an event name or payload shape exists in one place only.
 */
import type { WhereValue } from "./changes";
import type { Channel, Role } from "./channels";
import type { EventEnvelope, SystemNotice } from "./envelope";
import type { Result } from "./errors";

export interface SubscribeOk {
  stream: string;
  /** The position the subscriber now stands at; the next live event is offset + 1. */
  offset: number;
  /** False when `since` was past retention: the app must refetch a snapshot. */
  recovered: boolean;
  /** How many events were replayed before this ack. */
  replayed: number;
}
export interface UnsubscribeOk {
  stream: string;
}
export interface PublishOk {
  id: string;
  stream: string;
  offset: number;
}

/** `auth:refresh`: the socket now runs on the new token, which expires at `exp` (seconds since the epoch). */
export interface RefreshOk {
  exp: number;
}

export type Ack<T extends object> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  subscribe: (payload: unknown, ack: Ack<SubscribeOk>) => void;
  unsubscribe: (payload: unknown, ack: Ack<UnsubscribeOk>) => void;
  publish: (payload: unknown, ack: Ack<PublishOk>) => void;
  /** A new token for the same tenant, subject, role and session, before the current one expires. */
  "auth:refresh": (payload: unknown, ack: Ack<RefreshOk>) => void;
}

export interface ServerToClientEvents {
  event: (envelope: EventEnvelope) => void;
  system: (notice: SystemNotice) => void;
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
