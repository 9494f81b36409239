/**
 * Narrow checks of what the widget sends about its visitor, with the limits of the
 * protocol's visitor schemas (packages/protocol visitor.ts, patterns.ts) but without zod,
 * which stays out of the widget's bundle (docs/widget.md). The gateway parses the same
 * values with the full schemas and has the last word (e.g. on what an e-mail address is);
 * these only spare the visitor a refused start and a host page a round trip.
 * visitor-checks.test.ts holds them against the schemas.
 */
import {
  LOCALE_PATTERN,
  MAX_LOCALE_LENGTH,
  MAX_VISITOR_EMAIL_LENGTH,
  MAX_VISITOR_NAME_LENGTH,
  MAX_VISITOR_URL_LENGTH,
  MAX_VISITOR_USER_ID_LENGTH,
  USER_HASH_PATTERN,
  type VisitorIdentityInput,
} from "@roomcast/protocol";

/** An absolute http(s) URL within the limit (what a console may link). */
export function isVisitorUrl(value: string): boolean {
  if (value.length > MAX_VISITOR_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export function isLocale(value: string): boolean {
  return value.length <= MAX_LOCALE_LENGTH && LOCALE_PATTERN.test(value);
}

/** Loose on purpose: one `@`, a dot in the domain, no spaces; the gateway checks the rest. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IDENTITY_KEYS = ["userId", "name", "email", "userHash"];

export type IdentityCheck = { ok: true; identity: VisitorIdentityInput } | { ok: false; message: string };

/** The host page's `identify(...)` argument: `{ userId?, name?, email?, userHash? }`, userId or email required. */
export function checkVisitorIdentity(payload: unknown): IdentityCheck {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return { ok: false, message: "identity: must be an object" };
  const raw = payload as Record<string, unknown>;
  const unknown = Object.keys(raw).find((key) => !IDENTITY_KEYS.includes(key));
  if (unknown !== undefined) return { ok: false, message: `${unknown}: unknown key` };
  const identity: VisitorIdentityInput = {};
  const { userId, name, email, userHash } = raw;
  if (userId !== undefined) {
    if (typeof userId !== "string" || userId.length < 1 || userId.length > MAX_VISITOR_USER_ID_LENGTH || /\s/.test(userId)) {
      return { ok: false, message: `userId: 1 to ${MAX_VISITOR_USER_ID_LENGTH} characters, no spaces` };
    }
    identity.userId = userId;
  }
  if (name !== undefined) {
    const trimmed = typeof name === "string" ? name.trim() : "";
    if (trimmed.length < 1 || trimmed.length > MAX_VISITOR_NAME_LENGTH) return { ok: false, message: `name: 1 to ${MAX_VISITOR_NAME_LENGTH} characters` };
    identity.name = trimmed;
  }
  if (email !== undefined) {
    if (typeof email !== "string" || email.length > MAX_VISITOR_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) return { ok: false, message: "email: must be an e-mail address" };
    identity.email = email;
  }
  if (userHash !== undefined) {
    if (typeof userHash !== "string" || !USER_HASH_PATTERN.test(userHash)) return { ok: false, message: "userHash: must be 64 hex digits (HMAC-SHA256)" };
    identity.userHash = userHash;
  }
  if (identity.userId === undefined && identity.email === undefined) return { ok: false, message: "identity: give userId or email" };
  return { ok: true, identity };
}
