/**
 * `GET /api/v1/openapi.json`: the API description (openapi-document.ts), serialized and
 * compressed once when the router is built, served with `no-cache` (it changes with a
 * release, and its asset entries with every build). The rendered reference,
 * `/api/v1/reference`, is a browser asset (http/api-reference.ts).
 */
import { Router } from "express";
import { OPENAPI_ROUTE } from "../api-reference";
import { encodeBody, sendEncoded } from "../encoded-body";
import type { OpenApiDocument } from "./openapi-document";

export function openApiRouter(document: OpenApiDocument): Router {
  const body = encodeBody(JSON.stringify(document), "load");
  const router = Router();
  router.get(OPENAPI_ROUTE, (req, res) => {
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    sendEncoded(req, res, body);
  });
  return router;
}
