/**
 * Rooms that address a socket by who it is rather than by a stream, for revocation: every
 * socket joins the room of its user, of its token (`jti`) and, for visitors, of its chat
 * session. The `#` prefix cannot occur in a stream name (ids match [A-Za-z0-9_-]), so no
 * stream can collide with these, and no client can subscribe to one.
 */
import type { Principal, RevocationTarget, TokenGrant } from "@roomcast/protocol";

/** Whether `room` is one of these (never broadcast to: the adapter gives it no channel). */
export function isAuthRoom(room: string): boolean {
  return room.startsWith("#");
}

export function userAuthRoom(tenant: string, sub: string): string {
  return `#user:${tenant}:${sub}`;
}

export function sessionAuthRoom(tenant: string, session: string): string {
  return `#session:${tenant}:${session}`;
}

export function tokenAuthRoom(tenant: string, jti: string): string {
  return `#token:${tenant}:${jti}`;
}

export function authRoomsOf(principal: Principal, grant: TokenGrant): string[] {
  const rooms = [userAuthRoom(principal.tenant, principal.sub)];
  if (principal.session !== undefined) rooms.push(sessionAuthRoom(principal.tenant, principal.session));
  if (grant.jti !== undefined) rooms.push(tokenAuthRoom(principal.tenant, grant.jti));
  return rooms;
}

export function roomOfTarget(target: RevocationTarget): string {
  switch (target.kind) {
    case "token":
      return tokenAuthRoom(target.tenant, target.jti);
    case "user":
      return userAuthRoom(target.tenant, target.sub);
    case "session":
      return sessionAuthRoom(target.tenant, target.session);
  }
}
