/**
 * Every HTTP endpoint the gateway can mount, for the API description (openapi-document.ts):
 * method, path, who may call it, and the very zod schemas its handler parses the request
 * with (imported from the route or use-case files), so the description cannot drift from
 * validation. A route that is mounted but missing here fails openapi.int.test.ts, which
 * walks the Express router stack.
 *
 * Besides the codes listed per operation, every JSON operation may answer `internal`; one
 * with `roles` also `unauthorized` and `forbidden`; one that parses input also `invalid`;
 * one with a body also `payload_too_large` (openapi-document.ts adds them).
 */
import { idSchema, publishSchema, visitorIdentitySchema, type ErrorCode, type Role } from "@roomcast/protocol";
import { z } from "zod";
import { revokeBody } from "../../auth/revoke.routes";
import { statusBody } from "../../chat/availability.routes";
import { assignBody, listQuery, messageBody } from "../../chat/chat.routes";
import { cannedBody, settingsBody, transferBody } from "../../chat/desk.routes";
import { loginBody } from "../../chat/login.routes";
import { documentBody, notificationBody } from "../../chat/producers.routes";
import { startBody } from "../../chat/widget.routes";
import { secretInput } from "../../manage/identity-secret";
import { emailInput, passwordInput, tenantIdInput } from "../../manage/inputs";
import { quarantineListInput, redriveInput } from "../../manage/outbox";
import { createTenantInput, updateTenantInput } from "../../manage/tenants";
import { createUserInput } from "../../manage/users";
import { batchSchema, MAX_BATCH } from "../../publish/publish-use-case";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface Operation {
  method: Method;
  /** OpenAPI form: `/api/v1/chat/sessions/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Bearer token required; `"any"`: any role. Omitted: no token. */
  roles?: readonly Role[] | "any";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success: status, description and (JSON operations) the body's schema. */
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /** Codes beyond the defaults above. */
  errors?: readonly ErrorCode[];
}

/**
 * publishSchema as documented: its `data` is `z.json()`, whose recursive definition the
 * generator cannot walk (it recurses without end), so the document says "any JSON value".
 */
const publishEvent = publishSchema.omit({ data: true }).extend({ data: z.unknown().describe("any JSON value, within the configured size and nesting limits") });
const ok = <S extends z.ZodRawShape>(shape: S) => z.object({ ok: z.literal(true), ...shape });
const id = z.object({ id: idSchema });
const tenant = z.object({ tenant: tenantIdInput });
const tenantUser = z.object({ tenant: tenantIdInput, email: emailInput });
const staff: Role[] = ["agent", "admin", "service"];
const backend: Role[] = ["admin", "service"];
const acked = z.object({ id: z.string(), stream: z.string(), offset: z.number().int() });
const session = z.object({}).catchall(z.unknown()).describe("a chat session (ChatSessionView)");
const tenantView = z.object({}).catchall(z.unknown()).describe("a tenant (TenantView)");
const userView = z.object({}).catchall(z.unknown()).describe("a user (UserView: no password hash)");

const ops: Operation[] = [
  {
    method: "get",
    path: "/healthz",
    tag: "operations",
    summary: "Liveness: the process answers",
    success: { status: 200, description: "alive", schema: ok({}) },
  },
  {
    method: "get",
    path: "/readyz",
    tag: "operations",
    summary: "Readiness: every dependency answers and the node is not draining",
    success: { status: 200, description: "ready", schema: ok({}) },
    errors: ["unavailable"],
  },
  {
    method: "get",
    path: "/metrics",
    tag: "operations",
    summary: "Prometheus metrics of this node",
    success: { status: 200, description: "the Prometheus text exposition format", contentType: "text/plain; version=0.0.4" },
  },
  {
    method: "get",
    path: "/api/v1/status",
    tag: "operations",
    summary: "Cluster status: every node, its sockets and the outbox backlog",
    description: "A tenant's admin sees its own tenant's figures; the deployment operator every tenant.",
    roles: ["admin"],
    success: { status: 200, description: "the cluster's status", schema: ok({ nodes: z.array(z.unknown()) }).catchall(z.unknown()) },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    tag: "reference",
    summary: "This API description (OpenAPI 3.1)",
    success: { status: 200, description: "the document", contentType: "application/json" },
  },
  {
    method: "get",
    path: "/",
    tag: "pages",
    summary: "The landing page: links to the demo, the console, the Admin UI, the API reference and health",
    success: { status: 200, description: "an HTML page", contentType: "text/html" },
  },
  {
    method: "get",
    path: "/admin",
    tag: "pages",
    summary: "The Socket.IO Admin UI (when ROOMCAST_ADMIN_UI is on); redirects to /admin/",
    success: { status: 200, description: "the Admin UI's page", contentType: "text/html" },
  },
  {
    method: "get",
    path: "/admin/index.html",
    tag: "pages",
    summary: "The Socket.IO Admin UI's page",
    success: { status: 200, description: "the Admin UI's page", contentType: "text/html" },
  },
  {
    method: "post",
    path: "/api/v1/publish",
    tag: "publish",
    summary: "Publish one event, or a batch of up to 500 committed together",
    description: "The body is one event, or `{ events: [...] }`. The reply (201) comes only after the outbox rows committed.",
    roles: backend,
    body: z.union([publishEvent, batchSchema.safeExtend({ events: z.array(publishEvent).min(1).max(MAX_BATCH) })]),
    success: { status: 201, description: "committed", schema: z.union([ok(acked.shape), ok({ events: z.array(acked) })]) },
    errors: ["rate_limited", "unavailable", "reserved_type", "idempotency_conflict"],
  },
  {
    method: "post",
    path: "/api/v1/admin/revoke",
    tag: "auth",
    summary: "Revoke every token of a user or of a chat session, on every node",
    roles: ["admin"],
    body: revokeBody,
    success: { status: 200, description: "revoked", schema: ok({ revoked: z.object({ kind: z.string() }).catchall(z.unknown()) }) },
    errors: ["unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/auth/logout",
    tag: "auth",
    summary: "Revoke the calling token itself (sign-out)",
    roles: "any",
    success: { status: 200, description: "revoked", schema: ok({}) },
    errors: ["invalid", "unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/auth/login",
    tag: "auth",
    summary: "Console sign-in: a token for an agent or admin",
    body: loginBody,
    success: { status: 200, description: "signed in", schema: ok({ token: z.string(), expiresIn: z.number().int(), user: z.object({}).catchall(z.unknown()) }) },
    errors: ["unauthorized", "rate_limited", "unavailable"],
  },
  // Widget (CORS, any site)
  {
    method: "post",
    path: "/api/v1/widget/sessions",
    tag: "widget",
    summary: "Start a chat session from a site: a visitor token for that session",
    body: startBody,
    success: {
      status: 201,
      description: "started",
      schema: ok({ token: z.string(), tenant: z.string(), visitorId: z.string(), session, messages: z.array(z.unknown()), offset: z.number().int(), agentsAvailable: z.boolean() }),
    },
    errors: ["unauthorized", "origin_not_allowed", "unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/widget/session",
    tag: "widget",
    summary: "The visitor's session and transcript, with the offset to subscribe from",
    roles: ["visitor"],
    success: { status: 200, description: "the session", schema: ok({ session, messages: z.array(z.unknown()), offset: z.number().int(), agentsAvailable: z.boolean() }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/widget/identify",
    tag: "widget",
    summary: "Attach a verified identity (userId + HMAC userHash) to the visitor's own session",
    roles: ["visitor"],
    body: visitorIdentitySchema,
    success: { status: 200, description: "identified", schema: ok({ session, verified: z.boolean() }) },
    errors: ["identity_unverified", "not_found", "unavailable"],
  },
  // Chat
  {
    method: "put",
    path: "/api/v1/chat/availability",
    tag: "chat",
    summary: "Set the caller's own availability (online or away)",
    roles: ["agent", "admin"],
    body: statusBody,
    success: { status: 200, description: "stored", schema: ok({ user: z.string(), status: statusBody.shape.status }) },
    errors: ["unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/availability",
    tag: "chat",
    summary: "Every agent of the tenant whose availability was set",
    roles: staff,
    success: { status: 200, description: "the agents", schema: ok({ agents: z.array(z.object({ user: z.string(), status: statusBody.shape.status })) }) },
    errors: ["unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/sessions",
    tag: "chat",
    summary: "List the tenant's chat sessions",
    roles: staff,
    query: listQuery,
    success: { status: 200, description: "the sessions", schema: ok({ sessions: z.array(session), offset: z.number().int() }).catchall(z.unknown()) },
    errors: ["unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/sessions/{id}",
    tag: "chat",
    summary: "One session and its transcript",
    roles: "any",
    params: id,
    success: { status: 200, description: "the session", schema: ok({ session, messages: z.array(z.unknown()), offset: z.number().int() }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/chat/sessions/{id}/messages",
    tag: "chat",
    summary: "Post a message (201; 200 when `key` repeats an earlier message)",
    roles: "any",
    params: id,
    body: messageBody,
    success: { status: 201, description: "committed", schema: ok({ message: z.object({}).catchall(z.unknown()), duplicate: z.boolean() }).catchall(z.unknown()) },
    errors: ["not_found", "unavailable", "idempotency_conflict", "rate_limited"],
  },
  {
    method: "post",
    path: "/api/v1/chat/sessions/{id}/assign",
    tag: "chat",
    summary: "Assign a session to an agent (the caller by default)",
    roles: staff,
    params: id,
    body: assignBody,
    success: { status: 200, description: "assigned", schema: ok({ session }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/chat/sessions/{id}/end",
    tag: "chat",
    summary: "End a session; its visitor's tokens are revoked",
    roles: "any",
    params: id,
    success: { status: 200, description: "ended", schema: ok({ session }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/sessions/{id}/visitor",
    tag: "chat",
    summary: "A session's visitor: context (page, referrer, locale), identity and earlier sessions",
    roles: staff,
    params: id,
    success: { status: 200, description: "the visitor", schema: ok({}).catchall(z.unknown()) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/metrics",
    tag: "chat",
    summary: "The tenant's chat metrics snapshot",
    roles: staff,
    success: { status: 200, description: "the metrics", schema: ok({}).catchall(z.unknown()) },
    errors: ["unavailable"],
  },
  // The agent desk (desk.routes.ts)
  {
    method: "post",
    path: "/api/v1/chat/sessions/{id}/transfer",
    tag: "chat",
    summary: "Transfer a session to another agent, with an optional note for staff",
    roles: staff,
    params: id,
    body: transferBody,
    success: { status: 200, description: "transferred", schema: ok({ session, transfer: z.object({}).catchall(z.unknown()) }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/chat/sessions/{id}/read",
    tag: "chat",
    summary: "Mark a session read by the caller up to its current message count",
    roles: ["agent", "admin"],
    params: id,
    success: { status: 200, description: "stored", schema: ok({ read: z.object({ sessionId: z.string(), messageCount: z.number().int() }) }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/settings",
    tag: "chat",
    summary: "The tenant's chat settings (routing)",
    roles: staff,
    success: { status: 200, description: "the settings", schema: ok({ settings: z.object({}).catchall(z.unknown()) }) },
    errors: ["unavailable"],
  },
  {
    method: "put",
    path: "/api/v1/chat/settings",
    tag: "chat",
    summary: "Change the tenant's routing (auto or manual)",
    roles: backend,
    body: settingsBody,
    success: { status: 200, description: "changed", schema: ok({ settings: z.object({}).catchall(z.unknown()) }) },
    errors: ["unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/chat/canned-replies",
    tag: "chat",
    summary: "The tenant's canned replies",
    roles: staff,
    success: { status: 200, description: "the replies", schema: ok({ replies: z.array(z.object({}).catchall(z.unknown())) }) },
    errors: ["unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/chat/canned-replies",
    tag: "chat",
    summary: "Add a canned reply",
    roles: backend,
    body: cannedBody,
    success: { status: 201, description: "created", schema: ok({ reply: z.object({}).catchall(z.unknown()) }) },
    errors: ["unavailable"],
  },
  {
    method: "put",
    path: "/api/v1/chat/canned-replies/{id}",
    tag: "chat",
    summary: "Change a canned reply",
    roles: backend,
    params: id,
    body: cannedBody,
    success: { status: 200, description: "changed", schema: ok({ reply: z.object({}).catchall(z.unknown()) }) },
    errors: ["not_found", "unavailable"],
  },
  {
    method: "delete",
    path: "/api/v1/chat/canned-replies/{id}",
    tag: "chat",
    summary: "Delete a canned reply",
    roles: backend,
    params: id,
    success: { status: 200, description: "deleted", schema: ok({}).catchall(z.unknown()) },
    errors: ["not_found", "unavailable"],
  },
  // Producers
  {
    method: "post",
    path: "/api/v1/notifications",
    tag: "publish",
    summary: "Notify a user (stream `notifications:<user>`)",
    roles: backend,
    body: notificationBody,
    success: { status: 201, description: "committed", schema: ok(acked.shape).catchall(z.unknown()) },
    errors: ["unavailable"],
  },
  {
    method: "put",
    path: "/api/v1/documents/{id}",
    tag: "publish",
    summary: "Report a document's processing status (stream `documents:<id>`)",
    roles: backend,
    params: id,
    body: documentBody,
    success: { status: 200, description: "committed", schema: ok(acked.shape).catchall(z.unknown()) },
    errors: ["unavailable"],
  },
  // Admin API
  ...adminOperations(),
];

function adminOperations(): Operation[] {
  const admin: Role[] = ["admin"];
  const tag = "admin";
  const errors: ErrorCode[] = ["not_found", "unavailable"];
  return [
    { method: "get", path: "/api/v1/admin/tenants", tag, roles: admin, summary: "List tenants (an operator: every tenant; a tenant admin: its own)", success: { status: 200, description: "the tenants", schema: ok({ tenants: z.array(tenantView) }) }, errors },
    { method: "post", path: "/api/v1/admin/tenants", tag, roles: admin, summary: "Create a tenant (operator)", body: createTenantInput, success: { status: 201, description: "created", schema: ok({ tenant: tenantView }) }, errors },
    { method: "get", path: "/api/v1/admin/tenants/{tenant}", tag, roles: admin, summary: "One tenant", params: tenant, success: { status: 200, description: "the tenant", schema: ok({ tenant: tenantView }) }, errors },
    { method: "patch", path: "/api/v1/admin/tenants/{tenant}", tag, roles: admin, summary: "Change a tenant's name, origins or limits", params: tenant, body: updateTenantInput, success: { status: 200, description: "changed", schema: ok({ tenant: tenantView }) }, errors },
    { method: "post", path: "/api/v1/admin/tenants/{tenant}/widget-key", tag, roles: admin, summary: "Rotate a tenant's widget key", params: tenant, success: { status: 200, description: "rotated", schema: ok({ tenant: tenantView, widgetKey: z.string() }) }, errors },
    {
      method: "put",
      path: "/api/v1/admin/tenants/{tenant}/identity-secret",
      tag,
      roles: admin,
      summary: "Set, generate or clear the tenant's identity secret (the key of visitor identities' HMAC)",
      params: tenant,
      body: secretInput,
      success: { status: 200, description: "changed; a generated secret is answered this once", schema: ok({ tenant: z.string(), verification: z.enum(["on", "off"]), secret: z.string().optional() }) },
      errors,
    },
    { method: "get", path: "/api/v1/admin/tenants/{tenant}/users", tag, roles: admin, summary: "A tenant's users", params: tenant, success: { status: 200, description: "the users", schema: ok({ users: z.array(userView) }) }, errors },
    { method: "post", path: "/api/v1/admin/tenants/{tenant}/users", tag, roles: admin, summary: "Create a user (agent or admin)", params: tenant, body: createUserInput, success: { status: 201, description: "created", schema: ok({ user: userView }) }, errors },
    { method: "post", path: "/api/v1/admin/tenants/{tenant}/users/{email}/disable", tag, roles: admin, summary: "Disable a user (and revoke its tokens)", params: tenantUser, success: { status: 200, description: "disabled", schema: ok({ user: userView }) }, errors },
    { method: "post", path: "/api/v1/admin/tenants/{tenant}/users/{email}/enable", tag, roles: admin, summary: "Enable a user again", params: tenantUser, success: { status: 200, description: "enabled", schema: ok({ user: userView }) }, errors },
    { method: "put", path: "/api/v1/admin/tenants/{tenant}/users/{email}/password", tag, roles: admin, summary: "Set a user's password", params: tenantUser, body: z.object({ password: passwordInput }), success: { status: 200, description: "set", schema: ok({ user: userView }) }, errors },
    { method: "get", path: "/api/v1/admin/outbox/quarantined", tag, roles: admin, summary: "Quarantined outbox events", query: quarantineListInput, success: { status: 200, description: "the events", schema: ok({ events: z.array(z.object({}).catchall(z.unknown())) }) }, errors },
    { method: "post", path: "/api/v1/admin/outbox/redrive", tag, roles: admin, summary: "Re-drive quarantined events", body: redriveInput, success: { status: 200, description: "re-driven", schema: ok({ redriven: z.array(z.unknown()), skipped: z.array(z.unknown()), more: z.boolean() }) }, errors },
  ];
}

/** The operations above (a fresh array: callers may not change the registry). */
export function apiOperations(): Operation[] {
  return [...ops];
}
