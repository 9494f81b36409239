/**
 * Who may subscribe to or publish on which stream: the one place that decides.
 *
 * The stream's tenant is always the principal's tenant (the caller builds the stream from
 * the token), so this module only weighs channel, topic and role. Default is deny: a
 * channel/role pair not listed here is forbidden.
 */
import type { Channel, Principal, Role } from "@roomcast/protocol";

/** `presence`: see who is in a stream (and be seen there): `subscribe({presence: true})` and `presence`. */
export type Action = "subscribe" | "publish" | "presence";
export type Decision = { allowed: true } | { allowed: false; reason: string };

interface Target {
  channel: Channel;
  topic?: string | undefined;
}

const STAFF: readonly Role[] = ["agent", "admin", "service"];
const BACKEND: readonly Role[] = ["admin", "service"];
const ALLOW: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });
const roleIn = (roles: readonly Role[], p: Principal, reason: string): Decision => (roles.includes(p.role) ? ALLOW : deny(reason));

type Rule = (p: Principal, topic: string | undefined) => Decision;

const RULES: Record<Channel, Record<Action, Rule>> = {
  chat: {
    // A session stream: its visitor, staff. The session list (no topic): staff only.
    subscribe: (p, topic) => chatSession(p, topic),
    publish: (p, topic) => chatSession(p, topic),
    // A visitor sees who is in its own chat (the agent) only; staff see every chat and the list ("agents online").
    presence: (p, topic) => chatSession(p, topic),
  },
  notifications: {
    // A user's stream: that user, or the back end. Announcements: every signed-in non-visitor.
    subscribe: (p, topic) =>
      topic === undefined
        ? p.role === "visitor" ? deny("visitors do not receive announcements") : ALLOW
        : topic === p.sub || BACKEND.includes(p.role) ? ALLOW : deny("another user's notifications"),
    publish: (p) => roleIn(BACKEND, p, "only admins and services publish notifications"),
    presence: (p) => roleIn(STAFF, p, "presence in notifications is for staff"),
  },
  analytics: {
    subscribe: (p) => roleIn(STAFF, p, "analytics are for agents and admins"),
    publish: (p) => roleIn(BACKEND, p, "only admins and services publish analytics"),
    presence: (p) => roleIn(STAFF, p, "analytics are for agents and admins"),
  },
  documents: {
    subscribe: (p, topic) =>
      topic === undefined ? deny("a document stream needs a topic") : p.role === "visitor" ? deny("visitors have no documents") : ALLOW,
    publish: (p, topic) => (topic === undefined ? deny("a document stream needs a topic") : roleIn(BACKEND, p, "only admins and services publish document status")),
    // Who else has the document open: anyone who may read it.
    presence: (p, topic) =>
      topic === undefined ? deny("a document stream needs a topic") : p.role === "visitor" ? deny("visitors have no documents") : ALLOW,
  },
  system: {
    subscribe: () => ALLOW,
    publish: (p) => roleIn(BACKEND, p, "only admins and services publish system notices"),
    // Every socket is in its tenant's system room: listing it would show a visitor every user.
    presence: (p) => roleIn(STAFF, p, "presence in the system stream is for staff"),
  },
  changes: {
    // A watched table's row changes (topic = the table): the tenant's signed-in users, never
    // visitors; the support desk's tables to staff only, as on the chat channel.
    subscribe: (p, topic) => tableChanges(p, topic),
    // Written by the database's row triggers only (packages/db watchTable).
    publish: () => deny("table changes are published by the database only"),
    presence: () => deny("table changes have no presence"),
  },
};

/** Tables of the support desk: what the chat channel keeps from members. */
const DESK_TABLES: readonly string[] = ["chat_sessions", "chat_messages"];

function tableChanges(p: Principal, topic: string | undefined): Decision {
  if (topic === undefined) return deny("a changes stream needs a topic (the table)");
  if (p.role === "visitor") return deny("visitors do not receive table changes");
  if (p.role === "member" && DESK_TABLES.includes(topic)) return deny("members have no access to support chat");
  return ALLOW;
}

function chatSession(p: Principal, topic: string | undefined): Decision {
  if (p.role === "visitor") {
    return topic !== undefined && topic === p.session ? ALLOW : deny("a visitor may only use its own chat session");
  }
  if (p.role === "member") return deny("members have no access to support chat");
  return ALLOW;
}

export function authorize(principal: Principal, action: Action, target: Target): Decision {
  return RULES[target.channel][action](principal, target.topic);
}
