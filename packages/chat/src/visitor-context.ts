/**
 * Visitor context and identity verification (docs/chat.md "Visitor context").
 *
 * Trust rule: when the tenant has an identity secret, an identity is trusted only if its
 * `userHash` equals hex HMAC-SHA256(secret, subject), where the subject is the `userId`
 * exactly as sent, or the `email` exactly as sent when there is no userId (Intercom's
 * identity verification). Anything else — no hash, a wrong hash — is refused with
 * `identity_unverified` and none of the identity's fields are kept: the session goes on
 * with what it had (anonymous, or the pre-chat form's name and e-mail, shown unverified).
 * Without a secret an identity is accepted and shown as unverified. The comparison is
 * constant-time. Input shapes are parsed by the protocol's schemas before they get here.
 *
 * History: earlier sessions of the same visitor in the tenant — the same user id when this
 * session's identity is verified (verified sessions only), and the same e-mail (each item
 * says whether its own identity was verified).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "@roomcast/db";
import {
  CHAT_SESSION_UPDATED,
  type ChatSessionView,
  type ErrorBody,
  type Principal,
  type VisitorContextInput,
  type VisitorContextView,
  type VisitorHistoryItem,
  type VisitorIdentityInput,
} from "@roomcast/protocol";
import { loadSession } from "./access";
import { ChatError } from "./chat-error";
import { chatWrite } from "./chat-write";
import { sessionView } from "./views";
import { visitorContextView } from "./visitor-view";

export const MAX_HISTORY = 20;

/** Hex HMAC-SHA256 of the subject under the secret: what the host site's server computes. */
export function identityHash(secret: string, subject: string): string {
  return createHmac("sha256", secret).update(subject, "utf8").digest("hex");
}

export type IdentityCheck = { ok: true; verified: boolean } | { ok: false; error: ErrorBody & { code: "identity_unverified" } };

/** Whether an identity may be used, and whether it is verified (see the header's trust rule). */
export function checkIdentity(secret: string | null, identity: VisitorIdentityInput): IdentityCheck {
  if (secret === null || secret.length === 0) return { ok: true, verified: false };
  const subject = identity.userId ?? identity.email;
  if (subject === undefined || identity.userHash === undefined) {
    return { ok: false, error: { code: "identity_unverified", message: "this site verifies identities: userHash is required" } };
  }
  const expected = Buffer.from(identityHash(secret, subject), "hex");
  const given = Buffer.from(identity.userHash, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, error: { code: "identity_unverified", message: "userHash does not match this identity" } };
  }
  return { ok: true, verified: true };
}

/** The visitor columns of a session. */
export interface VisitorFields {
  name?: string | undefined;
  email: string | null;
  userId: string | null;
  verified: boolean;
}

/**
 * What a new session stores about its visitor: the pre-chat form's name and e-mail, then an
 * accepted identity over them (a verified one replaces the e-mail, even with none). A
 * refused identity leaves the pre-chat values and is reported in `refused`.
 */
export function resolveVisitor(
  secret: string | null,
  prechat: { name?: string | undefined; email?: string | undefined },
  identity: VisitorIdentityInput | undefined,
): { visitor: VisitorFields; refused?: ErrorBody } {
  const base: VisitorFields = { name: prechat.name, email: prechat.email?.toLowerCase() ?? null, userId: null, verified: false };
  if (identity === undefined) return { visitor: base };
  const check = checkIdentity(secret, identity);
  if (!check.ok) return { visitor: base, refused: check.error };
  return {
    visitor: {
      name: identity.name ?? prechat.name,
      email: identity.email?.toLowerCase() ?? (check.verified ? null : base.email),
      userId: identity.userId ?? null,
      verified: check.verified,
    },
  };
}

/** The visitor columns a new session is created with (sessions.ts startSession). */
export function visitorColumns(context: VisitorContextInput | undefined, visitor: VisitorFields | undefined) {
  return {
    pageUrl: context?.pageUrl ?? null,
    referrer: context?.referrer === undefined || context.referrer === "" ? null : context.referrer,
    locale: context?.locale ?? null,
    visitorEmail: visitor?.email ?? null,
    visitorUserId: visitor?.userId ?? null,
    identityVerified: visitor?.verified ?? false,
  };
}

/**
 * `identify` during a chat: the visitor's own session takes the identity (name, e-mail,
 * user id, verified) and publishes `session:updated`. Refused (`identity_unverified`), the
 * session is not changed. An ended session cannot be identified (`invalid`).
 */
export async function identifyVisitor(db: Db, actor: Principal, identity: VisitorIdentityInput): Promise<ChatSessionView> {
  if (actor.role !== "visitor" || actor.session === undefined) throw new ChatError("forbidden", "only a visitor identifies itself");
  const sessionId = actor.session;
  return chatWrite(db, actor.tenant, async ({ tx, now }) => {
    const current = await loadSession(tx, actor, sessionId);
    if (current.status === "ended") throw new ChatError("invalid", "the session has ended");
    const tenant = await tx.tenant.findUnique({ where: { id: actor.tenant }, select: { identitySecret: true } });
    const check = checkIdentity(tenant?.identitySecret ?? null, identity);
    if (!check.ok) throw new ChatError(check.error.code, check.error.message);
    const session = await tx.chatSession.update({
      where: { id: current.id },
      data: {
        ...(identity.name === undefined ? {} : { visitorName: identity.name }),
        visitorEmail: identity.email?.toLowerCase() ?? (check.verified ? null : current.visitorEmail),
        visitorUserId: identity.userId ?? null,
        identityVerified: check.verified,
        updatedAt: now,
      },
    });
    const view = sessionView(session);
    return { kind: "write", session, sessionEvents: [{ type: CHAT_SESSION_UPDATED, data: view }], finish: async () => view };
  });
}

/** Earlier sessions of this session's visitor, newest first (staff only). */
export async function visitorHistory(db: Db, actor: Principal, sessionId: string): Promise<{ context: VisitorContextView; history: VisitorHistoryItem[] }> {
  if (actor.role !== "agent" && actor.role !== "admin" && actor.role !== "service") throw new ChatError("forbidden", "only staff see a visitor's history");
  const session = await loadSession(db.prisma, actor, sessionId);
  const byUser = session.identityVerified && session.visitorUserId !== null ? { visitorUserId: session.visitorUserId, identityVerified: true } : undefined;
  const byEmail = session.visitorEmail === null ? undefined : { visitorEmail: session.visitorEmail };
  const matches = [byUser, byEmail].filter((m) => m !== undefined);
  const rows =
    matches.length === 0
      ? []
      : await db.prisma.chatSession.findMany({
          where: { tenantId: actor.tenant, id: { not: session.id }, createdAt: { lte: session.createdAt }, OR: matches },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: MAX_HISTORY,
        });
  const history = rows.map(
    (row): VisitorHistoryItem => ({
      id: row.id,
      visitorName: row.visitorName,
      status: row.status,
      messageCount: row.messageCount,
      createdAt: row.createdAt.toISOString(),
      verified: row.identityVerified,
      match: byUser !== undefined && row.identityVerified && row.visitorUserId === session.visitorUserId ? "user" : "email",
    }),
  );
  return { context: visitorContextView(session), history };
}
