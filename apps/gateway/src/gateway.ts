/**
 * createGateway: one Roomcast node — Express and Socket.IO on one HTTP server — built from
 * injected dependencies, so a test can start three in one process.
 *
 * Lifecycle: `listen()` binds; `close()` disconnects every socket, closes the server and
 * stops every timer this instance started. Redis clients are the caller's: the gateway
 * never creates or closes them.
 *
 * Connection pipeline: Engine.IO `allowRequest` (Origin allowlist, per-address cap) →
 * Socket.IO auth middleware (passport-jwt) → `connection` (join the tenant's system room,
 * register handlers behind the per-socket rate limit).
 */
import type { Config } from "@roomcast/config";
import type { BacklogFigures, Metrics } from "@roomcast/ops";
import { passesFilter, systemRoom } from "@roomcast/protocol";
import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";
import { Server } from "socket.io";
import { redactCredentials } from "./admin/redact-handshake";
import { createAccessControl } from "./auth/access";
import { isAuthRoom } from "./auth/auth-rooms";
import { createChatFeature, type ChatDeps } from "./chat/chat-feature";
import { clusterAdapter, withEventFilter } from "@roomcast/cluster";
import { Adapter } from "socket.io-adapter";
import { createApp } from "./http/app";
import { frontPages } from "./http/front-pages";
import { adminApiRouter } from "./manage/admin-api.routes";
import { createManagement } from "./manage/management";
import { clientAddress } from "./http/client-address";
import { isOriginAllowed } from "./http/origin";
import { createTenantOrigins } from "./http/tenant-origins";
import { handshakeMiddleware } from "./socket/handshake";
import { createGatewayOps } from "./ops/gateway-ops";
import { probeDependencies, resyncOnRecovery, type GatewayRedis } from "./ops/dependencies";
import { createConnectionLimit } from "./socket/connection-limit";
import { publishHandler } from "./socket/publish";
import { boundedParser, refuseOversizedEvents, type Refusal } from "./socket/inbound-bounds";
import type { RateLimitHooks } from "./socket/rate-limit";
import { socketLogger } from "./socket/socket-logger";
import { createQuotas } from "./limits/quotas";
import { withTenantBulkhead } from "./limits/tenant-bulkhead";
import { createPresenceFeature } from "./presence/presence-feature";
import type { PresenceTracker } from "./presence/presence-tracker";
import { createPublishUseCase } from "./publish/publish-use-case";
import type { GatewayServer, GatewaySocket } from "./socket/socket-types";
import { subscriptionHandlers } from "./socket/subscriptions";
import type { StreamStore } from "./stream-store";

export interface GatewayDeps {
  config: Readonly<Config>;
  logger: Logger;
  store: StreamStore;
  /** Required when `config.redis` is set. */
  redis?: GatewayRedis | undefined;
  /** The outbox backlog for /metrics and /api/v1/status (main: outboxBacklog). */
  backlog?: (() => Promise<BacklogFigures>) | undefined;
  /** Main only: also collect process metrics (memory, CPU, event-loop lag). */
  processMetrics?: boolean | undefined;
  /** This build's version, for roomcast_build_info. */
  version?: string | undefined;
  /** The chat product (APIs, pages, chat message publishes); omitted, the gateway is delivery only. */
  chat?: ChatDeps | undefined;
}

export interface Gateway {
  io: GatewayServer;
  http: HttpServer;
  /** The Express application on `http` (its router stack is what the API description must cover). */
  app: Express;
  /** This node's Prometheus registry (main hands `metrics.relayHooks` to an inline relay). */
  metrics: Metrics;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful drain: readiness turns 503, new handshakes are refused, every socket gets a
   * `system` drain notice. The SDK answers a notice by closing its transport and
   * reconnecting (to another node, through the load balancer) and resuming with `since`;
   * whatever is still connected after DRAIN_WAIT_MS has its transport closed by the server.
   * Leaving the close to the client means the notice is surely read before the close.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Longest drain() waits for clients to leave after the notice, then again for closes. */
const DRAIN_WAIT_MS = 2000;

export function createGateway(deps: GatewayDeps): Gateway {
  const { config } = deps;
  // Per tenant, at most a few database calls at once on this node (limits/tenant-bulkhead.ts).
  const store = withTenantBulkhead(deps.store);
  const logger = deps.logger;
  if (config.redis !== undefined && deps.redis === undefined) throw new Error("config.redis is set but no Redis clients were given");

  // A socket's child logger is made the first time it logs, not per connection.
  const logOf = socketLogger(logger);
  const access = createAccessControl({ config, logger, redis: deps.redis?.cmd, logOf });
  const { authenticator } = access;
  let draining = false;
  // Bounded (ops/dependencies.ts): /readyz answers 503 within 2 s naming what is unreachable.
  const dependencies = () => probeDependencies({ database: () => store.ping(), redis: deps.redis?.health });
  const readiness = async (): Promise<void> => {
    if (draining) throw new Error("draining");
    const unreachable = await dependencies();
    if (unreachable.length > 0) throw new Error(`unreachable: ${unreachable.join("; ")}`);
  };
  const ops = createGatewayOps({ config, logger, authenticator, redis: deps.redis, dependencies, backlog: deps.backlog, processMetrics: deps.processMetrics, version: deps.version });
  // Routing asks presence who is here; presence is built below, once the server exists.
  const later: { presence?: PresenceTracker } = {};
  const presentUsers = async (stream: string) => {
    const result = await later.presence?.members(stream);
    return result?.ok === true ? result.members.map((m) => m.user) : undefined;
  };
  const chat =
    deps.chat === undefined ? undefined : createChatFeature({ ...deps.chat, config, logger, authenticator, revoker: access.revoker, redis: deps.redis?.cmd, presentUsers });
  // The admin API manages the product's tenants and users, so it comes with the product's database.
  const management = deps.chat === undefined ? undefined : createManagement({ db: deps.chat.db, logger, revoke: (target) => access.revoker.revoke(target) });
  const adminApi = management === undefined ? [] : [adminApiRouter({ management, authenticator, logger })];
  const routers = [...ops.routers, access.router, ...adminApi, ...(chat === undefined ? [] : [chat.router])];
  const publish = ops.delivery.instrumentPublish(createPublishUseCase({ store, logger, domain: chat?.publish }));
  const app = createApp({ authenticator, publish, logger, readiness, maxBodyBytes: config.limits.maxHttpBodyBytes, routers, ...frontPages(config, deps.chat?.assets, deps.version) });
  const http = createServer(app);

  const tenantOrigins = deps.chat === undefined ? undefined : createTenantOrigins(deps.chat.db);
  const addressOf = (req: IncomingMessage) => clientAddress(req, config.trustProxy);
  const connections = createConnectionLimit(config.limits.maxConnectionsPerIp, addressOf);
  const io: GatewayServer = new Server(http, {
    maxHttpBufferSize: config.limits.maxPayloadBytes,
    // Depth and element bounds on every decoded packet, before anything re-encodes it.
    parser: boundedParser(),
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    cors: {
      origin: (origin, cb) => {
        if (origin === undefined || isOriginAllowed({ headers: { origin } }, config.allowedOrigins)) return cb(null, true);
        if (tenantOrigins === undefined) return cb(null, false);
        tenantOrigins.known(origin).then((known) => cb(null, known), () => cb(null, false));
      },
      credentials: false,
    },
    allowRequest: (req, callback) => {
      if (draining) return callback("draining", false);
      if (!connections.admits(req)) return callback("too many connections from this address", false);
      const origin = req.headers.origin;
      if (isOriginAllowed(req, config.allowedOrigins)) return callback(null, true);
      if (origin === undefined || tenantOrigins === undefined) return callback("origin not allowed", false);
      // Some tenant's site: authentication then checks it is the principal's tenant's.
      tenantOrigins.known(origin).then(
        (known) => callback(known ? null : "origin not allowed", known),
        () => callback("origin check failed", false),
      );
    },
    adapter: withEventFilter<GatewaySocket>(config.redis !== undefined && deps.redis !== undefined ? clusterAdapter(config.redis, deps.redis) : Adapter, {
      accepts: (socket, room, event) => passesFilter(socket.data.filters[room], event),
      onMessageReceived: () => ops.metrics.adapterMessagesReceived.inc(),
      onDelivered: ops.delivery.onDelivered,
      localOnly: isAuthRoom,
    }),
  });

  io.engine.on("connection", (raw: { request: IncomingMessage; once(event: "close", listener: () => void): void }) => {
    raw.once("close", connections.track(raw.request));
  });

  // Pub/sub drops what is published while a subscriber is away: when this node's Redis
  // is back after an outage (closed, a shard gone, or not answering), its sockets catch up.
  const stopResync = deps.redis === undefined ? undefined : resyncOnRecovery(deps.redis.health, io, logger);

  io.use(
    handshakeMiddleware({
      authenticator,
      allowedOrigins: config.allowedOrigins,
      tenantOrigins,
      onRefused: (error) => ops.metrics.handshakesRefused.inc({ code: error.code }),
    }),
  );
  // After authentication: no token stays in the handshake the Admin UI shows.
  io.use(redactCredentials);
  const quotas = createQuotas({ config, logger, redis: deps.redis?.cmd, db: deps.chat?.db, onRefused: () => ops.metrics.handshakesRefused.inc({ code: "rate_limited" }) });
  io.use(quotas.gate);
  ops.attach(io);
  access.attach(io);
  // Presence and typing: ephemeral, through the adapter and Redis, never the outbox.
  const presence = createPresenceFeature({ io, config, logger, redis: deps.redis?.cmd, logOf });
  later.presence = presence.tracker;

  // Every listener and hook below is made once and shared by all sockets (a listener gets
  // its socket as `this`): an idle connection holds as little as possible of its own
  // (docs/benchmarks.md, "Memory per idle connection").
  const debug = () => logger.isLevelEnabled("debug");
  const subscriptions = subscriptionHandlers({
    store,
    logOf,
    onReplayed: (socket, count) => ops.delivery.onReplayed(socket.data.principal.tenant, count),
    presence: presence.tracker,
  });
  const publishing = publishHandler(publish, logOf);
  const onOversized = (refusal: Refusal, count: number, socket: GatewaySocket) => {
    if (count === 1) logOf(socket).warn({ event: refusal.event, exceeded: refusal.exceeded }, "event over the inbound bounds refused");
    else if (debug()) logOf(socket).debug({ event: refusal.event, exceeded: refusal.exceeded, count }, "event over the inbound bounds refused");
  };
  const limitHooks: RateLimitHooks = {
    onLimited: (socket, event, scope) => {
      ops.metrics.rateLimited.inc({ event });
      if (debug()) logOf(socket).debug({ event, scope }, "rate limited");
    },
    onDisconnected: (socket) => logOf(socket).info("disconnected: kept exceeding the event rate after warnings"),
  };
  function onSocketError(this: GatewaySocket, error: Error): void {
    if (debug()) logOf(this).debug({ err: error.message }, "socket error");
  }
  function onDisconnect(this: GatewaySocket, reason: string): void {
    if (debug()) logOf(this).debug({ reason }, "disconnected");
  }

  io.on("connection", (socket) => {
    void socket.join(systemRoom(socket.data.principal.tenant));
    refuseOversizedEvents(socket, onOversized);
    quotas.onConnection(socket, limitHooks);
    access.onConnection(socket);
    subscriptions.register(socket);
    presence.onConnection(socket);
    publishing.register(socket);
    socket.on("error", onSocketError);
    socket.on("disconnect", onDisconnect);
  });

  return {
    io,
    http,
    app,
    metrics: ops.metrics,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(port, host, () => {
          http.off("error", reject);
          const address = http.address() as AddressInfo;
          logger.info({ port: address.port }, "gateway listening");
          resolve(address);
        });
      });
    },
    async drain() {
      // New handshakes are refused from here on (allowRequest, /readyz 503).
      draining = true;
      io.local.emit("system", { type: "drain", message: "this node is shutting down; reconnect", ts: new Date().toISOString() });
      const allClosed = () =>
        Promise.all([...io.of("/").sockets.values()].map((socket) => new Promise<void>((resolve) => socket.conn.once("close", () => resolve()))));
      const bounded = async (work: Promise<unknown>) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_WAIT_MS)))]);
        clearTimeout(timer);
      };
      const total = io.of("/").sockets.size;
      await bounded(allClosed());
      // Only now stop listening: since Node 19 http.close() also destroys connections it
      // deems idle, which took WebSocket connections down before the notice was written.
      http.close();
      const left = [...io.of("/").sockets.values()];
      const closing = allClosed();
      for (const socket of left) socket.conn.close();
      await bounded(closing);
      logger.info({ sockets: total, closedByServer: left.length }, "drained");
    },
    async close() {
      stopResync?.();
      presence.close();
      await ops.close();
      await quotas.close();
      access.close();
      // `.local`: without it the adapter tells every node of the cluster to disconnect its sockets.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      http.closeAllConnections();
    },
  };
}
