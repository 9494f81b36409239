/**
 * The Socket.IO handshake middleware of the default namespace: a verified token (passport-
 * jwt, `auth.token` or a Bearer header) becomes `socket.data.principal`; then an Origin
 * that is not allowed globally must be one the principal's tenant lists. A refusal is a
 * `connect_error` whose `data.code` is from the protocol's catalog; nothing was joined.
 */
import type { ConnectErrorData, ErrorBody } from "@roomcast/protocol";
import type { Authenticator } from "../auth/authenticator";
import { isOriginAllowed } from "../http/origin";
import type { TenantOrigins } from "../http/tenant-origins";
import type { GatewaySocket } from "./socket-types";

export interface HandshakeDeps {
  authenticator: Authenticator;
  allowedOrigins: readonly string[];
  tenantOrigins: TenantOrigins | undefined;
  onRefused(error: ErrorBody): void;
}

export function handshakeMiddleware(deps: HandshakeDeps) {
  const refuse = (next: (err?: Error) => void, error: ErrorBody) => {
    deps.onRefused(error);
    const refusal = new Error(error.message) as Error & { data: ConnectErrorData };
    refusal.data = { code: error.code };
    next(refusal);
  };

  return (socket: GatewaySocket, next: (err?: Error) => void): void => {
    const { headers, auth } = socket.handshake;
    (async () => {
      const outcome = await deps.authenticator.authenticate({ headers, socketToken: (auth as { token?: unknown }).token });
      if (!outcome.ok) return refuse(next, outcome.error);
      const origin = headers.origin;
      if (origin !== undefined && !isOriginAllowed(socket.request, deps.allowedOrigins)) {
        const allowed = (await deps.tenantOrigins?.allows(outcome.principal.tenant, origin)) ?? false;
        if (!allowed) return refuse(next, { code: "origin_not_allowed", message: "this origin is not allowed for the tenant" });
      }
      socket.data.principal = outcome.principal;
      socket.data.grant = outcome.grant;
      socket.data.filters = {};
      next();
    })().catch(() => refuse(next, { code: "unavailable", message: "authentication is unavailable, retry later" }));
  };
}
