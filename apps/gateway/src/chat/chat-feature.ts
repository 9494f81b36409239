/**
 * The product on the gateway: the chat, widget, sign-in and producer APIs under /api/v1,
 * the browser pages, and the socket publish route for chat messages. Built once per
 * gateway from injected dependencies; it holds no timers or connections of its own.
 */
import type { Config } from "@roomcast/config";
import type { Db } from "@roomcast/db";
import { Router } from "express";
import type { Logger } from "pino";
import type { Cluster, Redis } from "ioredis";
import type { Authenticator } from "../auth/authenticator";
import type { Revoker } from "../auth/revoke";
import { createLimiter } from "../limits/limiter";
import type { DomainPublish } from "../publish/publish-use-case";
import { createMemoryAvailability, createRedisAvailability, type PresentUsers } from "./availability";
import { availabilityRouter } from "./availability.routes";
import { chatPublish } from "./chat-publish";
import { chatRouter } from "./chat.routes";
import { deskRouter } from "./desk.routes";
import { LOGIN_ATTEMPTS, LOGIN_WINDOW_SECONDS, loginRouter } from "./login.routes";
import { producersRouter } from "./producers.routes";
import { webAssetsRouter, type WebAssets } from "./web-assets";
import { visitorRouter } from "./visitor.routes";
import { widgetRouter } from "./widget.routes";

export interface ChatDeps {
  db: Db;
  /** The widget and console bundles (main: bundleWebAssets); omitted, no pages are served. */
  assets?: WebAssets | undefined;
}

export interface ChatFeature {
  /** Mounted at the application root (paths include /api/v1). */
  router: Router;
  publish: DomainPublish;
}

export function createChatFeature(
  deps: ChatDeps & { config: Readonly<Config>; logger: Logger; authenticator: Authenticator; revoker: Revoker; redis?: Redis | Cluster | undefined; presentUsers?: PresentUsers | undefined },
): ChatFeature {
  const { db, config, authenticator } = deps;
  const logger = deps.logger.child({ feature: "chat" });
  const loginLimiter = createLimiter({
    name: "login",
    points: LOGIN_ATTEMPTS,
    durationSeconds: LOGIN_WINDOW_SECONDS,
    redis: deps.redis === undefined ? undefined : { client: deps.redis, prefix: config.redisPrefix },
  });
  const availability =
    deps.redis === undefined ? createMemoryAvailability() : createRedisAvailability({ redis: deps.redis, prefix: config.redisPrefix, logger });
  const api = Router();
  api.use(widgetRouter({ db, config, authenticator, logger, availability, presentUsers: deps.presentUsers }));
  api.use(visitorRouter({ db, authenticator, logger }));
  api.use(availabilityRouter({ availability, authenticator, logger }));
  api.use(loginRouter({ db, config, logger, limiter: loginLimiter }));
  api.use(chatRouter({ db, authenticator, logger, revoker: deps.revoker }));
  api.use(deskRouter({ db, authenticator, logger }));
  api.use(producersRouter({ db, authenticator, logger }));
  const router = Router();
  router.use("/api/v1", api);
  if (deps.assets !== undefined) router.use(webAssetsRouter(deps.assets));
  return { router, publish: chatPublish(db, logger) };
}
