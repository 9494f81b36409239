/**
 * `GET /api/v1/openapi.json`: the API description (openapi-document.ts), built, serialized
 * and compressed on the first request (about 50 ms, which a gateway that is never asked,
 * like most test nodes, does not spend) and kept by this router; served with `no-cache` (it changes with a
 * release, and its asset entries with every build). The rendered reference,
 * `/api/v1/reference`, is a browser asset (http/api-reference.ts).
 */
import { Router } from "express";
import { OPENAPI_ROUTE } from "../api-reference";
import { encodeBody, sendEncoded, type EncodedBody } from "../encoded-body";
import type { OpenApiDocument } from "./openapi-document";

export function openApiRouter(build: () => OpenApiDocument): Router {
  let body: EncodedBody | undefined;
  const router = Router();
  router.get(OPENAPI_ROUTE, (req, res) => {
    body ??= encodeBody(JSON.stringify(build()), "load");
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    sendEncoded(req, res, body);
  });
  return router;
}
