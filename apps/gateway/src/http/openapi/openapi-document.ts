/**
 * The OpenAPI 3.1 description of the gateway's HTTP interface, generated from the
 * operations registry (operations.ts: the zod schemas the handlers validate with) by
 * @asteasolutions/zod-to-openapi, plus one entry per browser asset being served (pages and
 * scripts, web-assets.ts). Every error response names its codes; the description carries
 * the whole catalog with each code's HTTP status (error-catalog.ts).
 *
 * Built once per gateway (a pure function of its inputs); served by openapi.routes.ts.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { ERROR_CODES, type ErrorCode } from "@roomcast/protocol";
import { z } from "zod";
import { statusOf } from "../errors";
import { ERROR_MEANINGS, errorCodeTable } from "./error-catalog";
import { apiOperations, type Operation } from "./operations";

export interface WebRoute {
  route: string;
  type: string;
  immutable: boolean;
}

export interface OpenApiOptions {
  version: string;
  /** The browser assets this gateway serves (pages and scripts), each documented as a GET. */
  webRoutes?: readonly WebRoute[];
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

const BEARER = "bearer";

const errorBody = (codes: readonly ErrorCode[]) =>
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]), message: z.string() }) });

/** The codes an operation may answer: its own plus the defaults that follow from its shape. */
export function codesOf(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>(op.errors ?? []);
  if (op.roles !== undefined) {
    codes.add("unauthorized");
    codes.add("forbidden");
  }
  if (op.body !== undefined || op.query !== undefined || op.params !== undefined) codes.add("invalid");
  if (op.body !== undefined) codes.add("payload_too_large");
  codes.add("internal");
  return ERROR_CODES.filter((code) => codes.has(code));
}

function responsesOf(op: Operation): Record<number, ResponseConfig> {
  const { success } = op;
  const contentType = success.contentType ?? "application/json";
  const responses: Record<number, ResponseConfig> = {
    [success.status]: { description: success.description, content: { [contentType]: { schema: success.schema ?? z.string() } } },
  };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codesOf(op)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  for (const [status, codes] of byStatus) {
    responses[status] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_MEANINGS[code]}`).join(" "),
      content: { "application/json": { schema: errorBody(codes) } },
    };
  }
  return responses;
}

function register(registry: OpenAPIRegistry, op: Operation): void {
  const roles = op.roles === undefined ? "" : op.roles === "any" ? "Bearer token, any role." : `Bearer token, role ${op.roles.join(" or ")}.`;
  registry.registerPath({
    method: op.method,
    path: op.path,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, roles].filter((part) => part !== undefined && part !== "").join(" ") || undefined,
    ...(op.roles === undefined ? {} : { security: [{ [BEARER]: [] }] }),
    request: {
      ...(op.params === undefined ? {} : { params: op.params }),
      ...(op.query === undefined ? {} : { query: op.query }),
      ...(op.body === undefined ? {} : { body: { required: true, content: { "application/json": { schema: op.body } } } }),
    },
    responses: responsesOf(op),
  });
}

function registerWebRoute(registry: OpenAPIRegistry, asset: WebRoute): void {
  const cache = asset.immutable ? "Content-hashed name: `Cache-Control: public, max-age=31536000, immutable`." : "Stable name: a short cache.";
  registry.registerPath({
    method: "get",
    path: asset.route,
    tags: ["pages"],
    summary: asset.type.startsWith("text/html") ? `The page ${asset.route}` : `The script ${asset.route}`,
    description: `${cache} Served gzip or brotli compressed when the request accepts it (\`Vary: Accept-Encoding\`).`,
    responses: { 200: { description: "the asset", content: { [asset.type.split(";")[0] ?? asset.type]: { schema: z.string() } } } },
  });
}

export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", BEARER, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Roomcast token (`sub`, `tid`, `role`, `exp`): `npm run token`, POST /api/v1/auth/login or POST /api/v1/widget/sessions.",
  });
  registry.registerComponent("schemas", "ErrorCode", { type: "string", enum: [...ERROR_CODES], description: "The closed catalog of error codes; the document's description gives each one's HTTP status." });
  const documented = new Set<string>();
  for (const op of apiOperations()) {
    register(registry, op);
    documented.add(`get ${op.path}`);
  }
  for (const asset of options.webRoutes ?? []) if (!documented.has(`get ${asset.route}`)) registerWebRoute(registry, asset);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Roomcast HTTP API",
      version: options.version,
      description: [
        "Roomcast's HTTP interface (`/api/v1`, JSON, Bearer auth), the browser pages it serves and its operations endpoints. Real-time delivery is Socket.IO (docs/protocol.md).",
        "Every failure is `{ ok: false, error: { code, message } }` with a code from this catalog, always with the same HTTP status:",
        errorCodeTable(),
      ].join("\n\n"),
    },
    servers: [{ url: "/" }],
  });
}
