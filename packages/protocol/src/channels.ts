/**
 * Channels and roles: the closed vocabularies every part of Roomcast shares.
 * Adding a channel means adding it here, giving it a policy in the gateway, and a migration
 * that adds it to outbox_events' channel CHECK constraint.
 */
export const CHANNELS = ["chat", "notifications", "analytics", "documents", "system", "changes"] as const;
export type Channel = (typeof CHANNELS)[number];

export const ROLES = ["visitor", "member", "agent", "admin", "service"] as const;
export type Role = (typeof ROLES)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && (CHANNELS as readonly string[]).includes(value);
}

/** Priorities are integers; a subscriber's `minPriority` drops everything below it. */
export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 9;
export const PRIORITY_DEFAULT = 5;
/**
 * Named priorities, accepted wherever a priority is (publish `priority`, subscribe
 * `minPriority`) and stored as their number: low 2, normal 5 (the default), high 7,
 * critical 9. Envelopes always carry the number.
 */
export const PRIORITY_NAMES = { low: 2, normal: 5, high: 7, critical: 9 } as const;
export type PriorityName = keyof typeof PRIORITY_NAMES;
