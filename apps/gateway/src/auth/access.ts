/**
 * Authorization over time, wired for one gateway: the revocation list (Redis when
 * clustered, memory on one node), the authenticator that consults it, the revoker, the
 * revocation routes, and per socket the expiry (one timer for all), `auth:refresh` and the auth rooms.
 * `attach(io)` once the Socket.IO server exists; `onConnection(socket)` for each socket.
 */
import type { Config } from "@roomcast/config";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Router } from "express";
import type { SocketLogger } from "../socket/socket-logger";
import type { GatewayServer, GatewaySocket } from "../socket/socket-types";
import { createAuthenticator, type Authenticator } from "./authenticator";
import { createRevoker, type Revoker } from "./revoke";
import { revokeRouter } from "./revoke.routes";
import { createMemoryRevocations, createRedisRevocations } from "./revocations";
import { createSocketAuth } from "./socket-auth";

export interface AccessControl {
  authenticator: Authenticator;
  revoker: Revoker;
  router: Router;
  attach(io: GatewayServer): void;
  onConnection(socket: GatewaySocket): void;
  /** Stops the revoker's pending (grace) disconnects and the expiry timer. */
  close(): void;
}

export function createAccessControl(deps: {
  config: Readonly<Config>;
  logger: Logger;
  redis?: Redis | Cluster | undefined;
  /** Sockets' child loggers (socket/socket-logger.ts); made from `logger` if omitted. */
  logOf: SocketLogger;
}): AccessControl {
  const { config, logger } = deps;
  const ttlSeconds = config.revocationTtlSeconds;
  const list =
    deps.redis === undefined
      ? createMemoryRevocations({ ttlSeconds })
      : createRedisRevocations({ ttlSeconds, redis: deps.redis as Redis, prefix: config.redisPrefix, logger });
  const authenticator = createAuthenticator(config.jwt, list);
  const socketAuth = createSocketAuth({ authenticator, logOf: deps.logOf });
  let server: GatewayServer | undefined;
  const revoker = createRevoker({
    list,
    logger,
    clustered: deps.redis !== undefined,
    io: () => {
      if (server === undefined) throw new Error("revocation used before attach()");
      return server;
    },
  });
  return {
    authenticator,
    revoker,
    router: revokeRouter({ authenticator, revoker, logger }),
    attach(io) {
      server = io;
      revoker.attach(io);
    },
    onConnection: (socket) => socketAuth.attach(socket),
    close() {
      revoker.close();
      socketAuth.close();
    },
  };
}
