/**
 * Everything operators see of one gateway, wired in one place: the Prometheus registry
 * (`/metrics`, with the event-path hooks of delivery-metrics.ts and the handshake
 * duration), the cluster status (`GET /api/v1/status`, admin role), the Admin UI
 * (`/admin`), the node registry, refused-handshake and slow-consumer accounting.
 *
 * Lifecycle: `createGatewayOps` runs before the Express app is built (it contributes
 * `routers`); `attach(io)` runs once the Socket.IO server exists; `close()` stops the node
 * registry (removing this node), the Admin UI's timers, and nothing else is left running.
 * The HTTP handlers read the server lazily, so they are valid from `attach` on.
 */
import type { Config } from "@roomcast/config";
import { createMetrics, withTimeout, type BacklogFigures, type Metrics } from "@roomcast/ops";
import { parseStream, systemRoom } from "@roomcast/protocol";
import { Router } from "express";
import type { RedisClient, RedisHealth } from "@roomcast/cluster";
import type { Logger } from "pino";
import { adminStaticRouter } from "../admin/admin-static";
import { instrumentAdminUi, type AdminUi } from "../admin/admin-ui";
import type { Authenticator } from "../auth/authenticator";
import { principalOf, requireAuth } from "../http/require-auth";
import type { GatewayServer, GatewaySocket } from "../socket/socket-types";
import { guardFetchSockets } from "./adapter-timeouts";
import { createDeliveryMetrics, type DeliveryMetrics } from "./delivery-metrics";
import { OPERATOR_TENANT } from "../manage/actor";
import { localStatus, OPS_NAMESPACE, requestNodeStatuses, scopeStatus, summarizeStatus, type ClusterStatus } from "./cluster-status";
import { createNodeRegistry, type KnownNode, type NodeRegistry } from "./node-registry";
import { refusalCode } from "./refusal-code";
import { createSlowConsumerWatch } from "./slow-consumer";

export interface GatewayOpsDeps {
  config: Readonly<Config>;
  logger: Logger;
  authenticator: Authenticator;
  redis?: { cmd: RedisClient; health?: RedisHealth } | undefined;
  /** What this node cannot reach, answered within a bound (ops/dependencies.ts). */
  dependencies?: (() => Promise<string[]>) | undefined;
  /** The outbox backlog (absent in tests without a database). */
  backlog?: (() => Promise<BacklogFigures>) | undefined;
  /** Also collect process metrics (main only: they describe the whole process). */
  processMetrics?: boolean | undefined;
  /** This build's version, for roomcast_build_info (main: the gateway package's). */
  version?: string | undefined;
  /** Milliseconds since the epoch (tests pass a clock). */
  now?: () => number;
}

export interface GatewayOps {
  metrics: Metrics;
  /** Hooks for the adapter (`onDelivered`), subscriptions (`onReplayed`) and the publish use case. */
  delivery: DeliveryMetrics;
  routers: Router[];
  attach(io: GatewayServer): void;
  status(): Promise<ClusterStatus>;
  close(): Promise<void>;
}

/**
 * Bound on the status request when the adapter never answers. It must outlast the
 * adapter's own timeouts (classic 2 s, sharded 5 s — socket.io-adapter's fixed
 * DEFAULT_TIMEOUT), because only the adapter's timeout hands back the replies that did
 * arrive: a guard firing first would report every node missing. The answer still comes
 * within 6 s.
 */
const STATUS_GUARD_MS = 5500;
const BACKLOG_TIMEOUT_MS = 2000;

export function createGatewayOps(deps: GatewayOpsDeps): GatewayOps {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const startedAt = now();
  let server: GatewayServer | undefined;
  const io = (): GatewayServer => {
    if (server === undefined) throw new Error("gateway ops used before attach()");
    return server;
  };

  const metrics = createMetrics({
    nodeId: config.nodeId,
    role: "gateway",
    defaultMetrics: deps.processMetrics === true,
    maxTenants: config.metrics.maxTenants,
    build: { version: deps.version ?? "unknown", commit: config.build.commit },
    sources: {
      connectionsByTenant: () => countBy(io(), (socket) => [socket.data.principal?.tenant]),
      // The stream rooms a socket joined by `subscribe` (filters hold only filtered ones);
      // the tenant's system room is joined automatically and not counted.
      subscriptionsByChannel: () => countBy(io(), (socket) => subscribedChannels(socket)),
      ...(deps.backlog === undefined ? {} : { backlog: deps.backlog }),
    },
  });
  const delivery = createDeliveryMetrics(metrics);
  const registry: NodeRegistry | undefined =
    deps.redis === undefined ? undefined : createNodeRegistry({ redis: deps.redis.cmd, prefix: config.redisPrefix, nodeId: config.nodeId, logger, now });
  let adminUi: AdminUi | undefined;

  async function status(): Promise<ClusterStatus> {
    const started = now();
    // One node (in-memory adapter): nobody else to ask. While Redis is known to be down no
    // other node can answer: say so at once.
    const alone = config.redis === undefined;
    const redisDown = deps.redis?.health !== undefined && !deps.redis.health.state().up;
    const [request, known, backlog, unreachable] = await Promise.all([
      alone
        ? Promise.resolve({ replies: [], timedOut: false })
        : redisDown
          ? Promise.resolve({ replies: [], timedOut: true })
          : requestNodeStatuses(io(), STATUS_GUARD_MS, logger),
      registry === undefined ? Promise.resolve(undefined) : registry.known().catch((): KnownNode[] | undefined => undefined),
      deps.backlog === undefined ? Promise.resolve(undefined) : withTimeout(deps.backlog(), BACKLOG_TIMEOUT_MS),
      deps.dependencies === undefined ? Promise.resolve([]) : deps.dependencies(),
    ]);
    if (request.timedOut) metrics.adapterTimeouts.inc({ op: "serverSideEmit" });
    const self = localStatus(io(), config.nodeId, (now() - startedAt) / 1000);
    return summarizeStatus({ self, replies: request.replies, known, timedOut: request.timedOut, backlog, unreachable, elapsedMs: now() - started });
  }

  const opsRouter = Router();
  opsRouter.get("/metrics", (_req, res, next) => {
    metrics.text().then((body) => res.type(metrics.contentType).send(body), next);
  });
  opsRouter.get("/api/v1/status", requireAuth(deps.authenticator, ["admin"]), (_req, res, next) => {
    // A tenant's admin sees its own tenant; the deployment operator (manage/actor.ts) every tenant.
    const { tenant } = principalOf(res);
    status().then((body) => res.json(scopeStatus(body, tenant === OPERATOR_TENANT ? undefined : tenant)), next);
  });
  const routers = [opsRouter];
  if (config.admin !== undefined) routers.push(adminStaticRouter());

  // One watch for every socket of this node (ops/slow-consumer.ts).
  const slowConsumers = createSlowConsumerWatch({
    maxBufferedBytes: config.maxBufferedBytes,
    onSlow: (socket, buffered) => {
      metrics.slowConsumers.inc();
      logger.warn(
        { socket: socket.id, tenant: socket.data.principal?.tenant, sub: socket.data.principal?.sub, bufferedBytes: buffered, maxBufferedBytes: config.maxBufferedBytes },
        "slow consumer disconnected",
      );
    },
  });

  return {
    metrics,
    delivery,
    routers,
    status,
    attach(attached) {
      server = attached;
      const opsNamespace = attached.of(OPS_NAMESPACE);
      opsNamespace.use((_socket, next) => next(new Error("not a client namespace")));
      opsNamespace.on("node:status", (reply) => reply(localStatus(attached, config.nodeId, (now() - startedAt) / 1000)));

      attached.engine.on("connection_error", (error: { code: number; context?: unknown }) => {
        metrics.handshakesRefused.inc({ code: refusalCode(error) });
      });
      attached.on("connection", (socket) => {
        // `issued` is when Socket.IO created the socket, before the middlewares (auth, origin, quotas) ran.
        metrics.handshakeDuration.observe(Math.max(0, Date.now() - socket.handshake.issued) / 1000);
        slowConsumers.watch(socket);
      });
      guardFetchSockets(attached, { onTimeout: () => metrics.adapterTimeouts.inc({ op: "fetchSockets" }), logger });
      if (config.admin !== undefined) {
        adminUi = instrumentAdminUi(attached, {
          admin: config.admin,
          nodeId: config.nodeId,
          redis: deps.redis === undefined ? undefined : { client: deps.redis.cmd, prefix: config.redisPrefix },
          logger,
          trustProxy: config.trustProxy,
        });
      }
      registry?.start();
    },
    async close() {
      slowConsumers.close();
      adminUi?.close();
      await registry?.stop();
    },
  };
}

function subscribedChannels(socket: GatewaySocket): Array<string | undefined> {
  const tenant = socket.data.principal?.tenant;
  const auto = tenant === undefined ? undefined : systemRoom(tenant);
  return [...socket.rooms].filter((room) => room !== socket.id && room !== auto).map((room) => parseStream(room)?.channel);
}

/** Counts this node's sockets by the keys `keysOf` gives each (undefined keys are skipped). */
function countBy(io: GatewayServer, keysOf: (socket: GatewaySocket) => ReadonlyArray<string | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const socket of io.of("/").sockets.values()) {
    for (const key of keysOf(socket)) if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
