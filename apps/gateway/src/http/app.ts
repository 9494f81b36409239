/**
 * The Express application: the landing page, health probes, the v1 JSON API and its
 * description (`/api/v1/openapi.json`, http/openapi/). Bodies are bounded by the configured
 * limit; every failure answers with a code from the protocol's catalog.
 */
import express, { type Express, type Router } from "express";
import type { Logger } from "pino";
import type { Authenticator } from "../auth/authenticator";
import type { PublishUseCase } from "../publish/publish-use-case";
import { errorHandler, sendError } from "./errors";
import { landingRouter, type LandingOptions } from "./landing-page";
import { buildOpenApiDocument, type OpenApiOptions } from "./openapi/openapi-document";
import { openApiRouter } from "./openapi/openapi.routes";
import { publishRouter } from "./publish.route";

export interface AppDeps {
  authenticator: Authenticator;
  publish: PublishUseCase;
  logger: Logger;
  /** Resolves when every dependency answers; rejects naming the one that does not. */
  readiness: () => Promise<void>;
  maxBodyBytes: number;
  /** Operations routes (/metrics, /api/v1/status, /admin), mounted before the /api fallback. */
  routers?: readonly Router[];
  /** What `/` links to (http/front-pages.ts); omitted, health and the API description only. */
  landing?: LandingOptions;
  /** The API description's version and the browser assets it lists. */
  openapi?: OpenApiOptions;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: deps.maxBodyBytes }));

  app.use(landingRouter(deps.landing ?? { pages: false }));
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/readyz", (_req, res) => {
    deps.readiness().then(
      () => res.json({ ok: true }),
      (error: unknown) => sendError(res, "unavailable", error instanceof Error ? error.message : "not ready"),
    );
  });

  app.use("/api/v1", publishRouter(deps));
  app.use(openApiRouter(() => buildOpenApiDocument(deps.openapi ?? { version: "0.0.0" })));
  for (const router of deps.routers ?? []) app.use(router);
  app.use("/api", (_req, res) => sendError(res, "not_found", "no such endpoint"));
  app.use(errorHandler(deps.logger));
  return app;
}
