/**
 * `/api/v1/status`: every gateway's NODE_ID, uptime and socket count, connections per
 * tenant, subscribers per channel and the busiest streams per tenant over the cluster
 * (subscription-figures.ts), the outbox backlog and the relay lag — answered within a
 * bound even when a node hangs.
 *
 * One node (the in-memory adapter, no Redis): there is nobody to ask, so the answer is
 * this node's own figures at once, `complete: true`.
 *
 * How: the request goes to the other gateways with `serverSideEmit("node:status")` on a
 * namespace only gateways open (OPS_NAMESPACE; relay processes share the main namespace's
 * channels but would never answer, so every request would wait for the timeout). The
 * adapter calls back once everyone it counts has answered, or at its request timeout
 * (classic: requestsTimeout, sharded: 5 s) with the replies it got. An own guard timer
 * bounds the wait in case the adapter never calls back (Redis unreachable). Nodes that did
 * not answer are named from the node registry (node-registry.ts): known minus answered.
 * `unreachable` names the dependencies (Redis, the database) this node could not reach.
 * Clients can never join OPS_NAMESPACE: its middleware refuses every connection.
 */
import type { NodeStatus } from "@roomcast/protocol";
import type { BacklogFigures } from "@roomcast/ops";
import type { Logger } from "pino";
import type { GatewayServer } from "../socket/socket-types";
import type { KnownNode } from "./node-registry";
import { asSubscriptionFigures, localSubscriptions, mergeSubscriptions, type StreamSubscribers, type SubscriptionFigures } from "./subscription-figures";

export const OPS_NAMESPACE = "/roomcast-ops";

export interface ClusterStatus {
  /** The node that answered this request. */
  answeredBy: string;
  nodes: NodeStatus[];
  connectionsPerTenant: Record<string, number>;
  /** Subscribers (socket × stream) per channel over the answering nodes. */
  subscribersPerChannel: Record<string, number>;
  /** Per tenant, its streams with the most subscribers (at most BUSIEST_STREAMS_PER_TENANT), most first. */
  busiestStreams: Record<string, StreamSubscribers[]>;
  /** Null when the database did not answer in time. */
  backlog: BacklogFigures | null;
  /** Age of the oldest committed event not yet emitted, in seconds (0: nothing waits); null when the database did not answer. */
  relayLagSeconds: number | null;
  /** Known nodes (seen recently) that did not answer. */
  missing: string[];
  /** Every node the adapter counted answered (false after a timeout). */
  complete: boolean;
  /** Dependencies this node could not reach (ops/dependencies.ts), e.g. `redis 10.0.0.5:6379 (cmd): Command timed out`. */
  unreachable: string[];
  elapsedMs: number;
}

/** What a node answers `node:status` with: its NodeStatus and, from this version on, its subscriptions. */
export interface NodeReport extends NodeStatus {
  subscriptions?: SubscriptionFigures;
}

export interface StatusInputs {
  self: NodeReport;
  replies: readonly unknown[];
  /** Undefined without a node registry (single node). */
  known: readonly KnownNode[] | undefined;
  timedOut: boolean;
  backlog: BacklogFigures | undefined;
  unreachable?: readonly string[];
  elapsedMs: number;
}

/** A reply from another node, if it has the NodeStatus shape. */
export function asNodeStatus(value: unknown): NodeStatus | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.nodeId !== "string" || typeof v.uptimeSeconds !== "number" || typeof v.sockets !== "number") return undefined;
  if (typeof v.tenants !== "object" || v.tenants === null) return undefined;
  const tenants: Record<string, number> = {};
  for (const [tenant, count] of Object.entries(v.tenants)) if (typeof count === "number") tenants[tenant] = count;
  return { nodeId: v.nodeId, uptimeSeconds: v.uptimeSeconds, sockets: v.sockets, tenants };
}

/** Pure: merges this node's status and the replies into the answer. */
export function summarizeStatus(input: StatusInputs): ClusterStatus {
  const byId = new Map<string, NodeStatus>();
  const subscriptions: SubscriptionFigures[] = [];
  for (const reply of [input.self, ...input.replies]) {
    const status = asNodeStatus(reply);
    if (status === undefined || byId.has(status.nodeId)) continue;
    byId.set(status.nodeId, status);
    const figures = asSubscriptionFigures((reply as NodeReport).subscriptions);
    if (figures !== undefined) subscriptions.push(figures);
  }
  const nodes = [...byId.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  const connectionsPerTenant: Record<string, number> = {};
  for (const node of nodes) {
    for (const [tenant, count] of Object.entries(node.tenants)) connectionsPerTenant[tenant] = (connectionsPerTenant[tenant] ?? 0) + count;
  }
  const missing = (input.known ?? [])
    .map((k) => k.nodeId)
    .filter((id) => !byId.has(id))
    .sort();
  return {
    answeredBy: input.self.nodeId,
    nodes,
    connectionsPerTenant: Object.fromEntries(Object.entries(connectionsPerTenant).sort(([a], [b]) => a.localeCompare(b))),
    ...mergeSubscriptions(subscriptions),
    backlog: input.backlog ?? null,
    relayLagSeconds: input.backlog === undefined ? null : input.backlog.oldestPendingAgeMs / 1000,
    missing,
    complete: !input.timedOut && missing.length === 0,
    unreachable: [...(input.unreachable ?? [])],
    elapsedMs: input.elapsedMs,
  };
}

/** This node's own figures. */
export function localStatus(io: GatewayServer, nodeId: string, uptimeSeconds: number): NodeReport {
  const tenants: Record<string, number> = {};
  for (const socket of io.of("/").sockets.values()) {
    const tenant = socket.data.principal?.tenant;
    if (tenant !== undefined) tenants[tenant] = (tenants[tenant] ?? 0) + 1;
  }
  return { nodeId, uptimeSeconds: Math.round(uptimeSeconds), sockets: io.of("/").sockets.size, tenants, subscriptions: localSubscriptions(io.of("/").adapter.rooms) };
}

export interface StatusRequest {
  replies: unknown[];
  timedOut: boolean;
}

/**
 * Asks every other gateway; resolves with whatever answered by the adapter's timeout, or
 * by `guardMs` at the latest (then with no replies: the adapter keeps them until it gives up).
 */
export function requestNodeStatuses(io: GatewayServer, guardMs: number, logger: Logger): Promise<StatusRequest> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: StatusRequest) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(result);
    };
    const guard = setTimeout(() => finish({ replies: [], timedOut: true }), guardMs);
    const failed = (error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "node status request failed");
      finish({ replies: [], timedOut: true });
    };
    const ack = (error: Error | null, replies: NodeStatus[]) => {
      if (error) logger.debug({ err: error.message }, "node status request timed out");
      finish({ replies: Array.isArray(replies) ? replies : [], timedOut: error !== null && error !== undefined });
    };
    try {
      // The adapter itself, not Namespace.serverSideEmit: the Redis adapters first count the
      // servers (PUBSUB NUMSUB / SHARDNUMSUB); when that command fails (Redis not answering)
      // their promise rejects, and the namespace would drop it as an unhandled rejection.
      const pending: unknown = io.of(OPS_NAMESPACE).adapter.serverSideEmit(["node:status", ack]);
      if (pending instanceof Promise) pending.catch(failed);
    } catch (error) {
      failed(error);
    }
  });
}

/**
 * What one tenant's admin may see of the status: every tenant-keyed figure narrowed to its
 * own tenant (connections, busiest streams, each node's tenants). Node names, the channel
 * totals, the backlog and the relay lag are the deployment's and stay whole. A deployment
 * operator (scope undefined) sees everything.
 */
export function scopeStatus(status: ClusterStatus, tenant: string | undefined): ClusterStatus {
  if (tenant === undefined) return status;
  const only = <T>(record: Record<string, T>): Record<string, T> => (tenant in record ? { [tenant]: record[tenant] as T } : {});
  return {
    ...status,
    nodes: status.nodes.map((node) => ({ ...node, tenants: only(node.tenants) })),
    connectionsPerTenant: only(status.connectionsPerTenant),
    busiestStreams: only(status.busiestStreams),
  };
}
